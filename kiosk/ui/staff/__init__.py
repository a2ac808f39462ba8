"""The staff console: sign-in, today's board, intake review, charts, schedule, printing, audit and accounts."""
