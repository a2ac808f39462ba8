<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name></name>
    <message>
        <source>Consent %1 of %2</source>
        <translation>Consentimiento %1 de %2</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Atrás</translation>
    </message>
    <message>
        <source>I agree</source>
        <translation>Acepto</translation>
    </message>
    <message>
        <source>Read to the end to agree</source>
        <translation>Lea hasta el final para aceptar</translation>
    </message>
    <message>
        <source>You can scroll with your finger.</source>
        <translation>Puede desplazarse con el dedo.</translation>
    </message>
    <message>
        <source>I have a question</source>
        <translation>Tengo una pregunta</translation>
    </message>
    <message>
        <source>I do not agree</source>
        <translation>No estoy de acuerdo</translation>
    </message>
    <message>
        <source>Type your full name</source>
        <translation>Escriba su nombre completo</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Nombre completo</translation>
    </message>
    <message>
        <source>Sign with your finger in the box</source>
        <translation>Firme con el dedo en el recuadro</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>Firma</translation>
    </message>
    <message>
        <source>Sign above the line</source>
        <translation>Firme sobre la línea</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Borrar</translation>
    </message>
    <message>
        <source>Sign with my signature</source>
        <translation>Firmar con mi firma</translation>
    </message>
    <message>
        <source>Your signature from the first form</source>
        <translation>Su firma del primer formulario</translation>
    </message>
    <message>
        <source>Type your name to continue</source>
        <translation>Escriba su nombre para continuar</translation>
    </message>
    <message>
        <source>Sign above to continue</source>
        <translation>Firme arriba para continuar</translation>
    </message>
    <message>
        <source>Sign</source>
        <translation>Firmar</translation>
    </message>
    <message>
        <source>MMMM d, yyyy</source>
        <translation>d &apos;de&apos; MMMM &apos;de&apos; yyyy</translation>
    </message>
    <message>
        <source>Date: %1</source>
        <translation>Fecha: %1</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Listo</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>Espacio</translation>
    </message>
    <message>
        <source>Backspace</source>
        <translation>Retroceso</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>Mayús</translation>
    </message>
    <message>
        <source>Please sign a little more fully.</source>
        <translation>Por favor, firme un poco más completo.</translation>
    </message>
    <message>
        <source>We will answer your question</source>
        <translation>Vamos a responder su pregunta</translation>
    </message>
    <message>
        <source>A staff member will come and talk with you about this form. You can go on with your other forms while you wait. This form will wait for you, unsigned, until your question is answered.</source>
        <translation>Un miembro del personal vendrá a hablar con usted sobre este formulario. Mientras espera, puede seguir con sus otros formularios. Este formulario le esperará, sin firmar, hasta que su pregunta tenga respuesta.</translation>
    </message>
    <message>
        <source>You do not have to sign this form. Please see the front desk: a staff member will talk with you about it and your choices. Everything you entered so far is saved.</source>
        <translation>No tiene que firmar este formulario. Por favor, pase a la recepción: un miembro del personal hablará con usted sobre el formulario y sus opciones. Todo lo que ingresó hasta ahora está guardado.</translation>
    </message>
    <message>
        <source>Please type your first name.</source>
        <translation>Por favor, escriba su nombre.</translation>
    </message>
    <message>
        <source>Please type your last name.</source>
        <translation>Por favor, escriba su apellido.</translation>
    </message>
    <message>
        <source>Please type your date of birth: month, day and year.</source>
        <translation>Por favor, escriba su fecha de nacimiento: mes, día y año.</translation>
    </message>
    <message>
        <source>Please type the year with four digits, for example 1980.</source>
        <translation>Por favor, escriba el año con cuatro dígitos, por ejemplo 1980.</translation>
    </message>
    <message>
        <source>That date does not exist. Please check the month and day.</source>
        <translation>Esa fecha no existe. Por favor, revise el mes y el día.</translation>
    </message>
    <message>
        <source>That date is in the future. Please check the year.</source>
        <translation>Esa fecha es en el futuro. Por favor, revise el año.</translation>
    </message>
    <message>
        <source>Please check the year of your date of birth.</source>
        <translation>Por favor, revise el año de su fecha de nacimiento.</translation>
    </message>
    <message>
        <source>Please tell us who you are</source>
        <translation>Por favor, díganos quién es usted</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Apellido</translation>
    </message>
    <message>
        <source>Date of birth: month, day, year</source>
        <translation>Nacimiento: mes, día, año</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>Mes</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Día</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>Año</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Siguiente</translation>
    </message>
    <message>
        <source>Is this you?</source>
        <translation>¿Es usted?</translation>
    </message>
    <message>
        <source>Please check that this is your appointment.</source>
        <translation>Por favor, confirme que esta es su cita.</translation>
    </message>
    <message>
        <source>Yes, this is me</source>
        <translation>Sí, soy yo</translation>
    </message>
    <message>
        <source>No, this is not me</source>
        <translation>No, no soy yo</translation>
    </message>
    <message>
        <source>Your appointment today</source>
        <translation>Su cita de hoy</translation>
    </message>
    <message>
        <source>That appointment is not yours</source>
        <translation>Esa cita no es suya</translation>
    </message>
    <message>
        <source>Thank you for checking. Please try again and check how your name and date of birth are typed, or ask at the front desk for help.</source>
        <translation>Gracias por revisar. Por favor, inténtelo de nuevo y revise cómo escribió su nombre y su fecha de nacimiento, o pida ayuda en la recepción.</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Intentar de nuevo</translation>
    </message>
    <message>
        <source>I will ask at the front desk</source>
        <translation>Preguntaré en la recepción</translation>
    </message>
    <message>
        <source>Please see the front desk</source>
        <translation>Por favor, pase a la recepción</translation>
    </message>
    <message>
        <source>We could not find your appointment for today. A staff member at the front desk will be glad to help you check in.</source>
        <translation>No encontramos su cita de hoy. Una persona de la recepción le ayudará con gusto a registrarse.</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>Aceptar</translation>
    </message>
    <message>
        <source>You are already checked in</source>
        <translation>Usted ya está registrado(a)</translation>
    </message>
    <message>
        <source>Your answers for today were sent to the care team. If something has changed, please tell the front desk.</source>
        <translation>Sus respuestas de hoy ya se enviaron al equipo de atención. Si algo ha cambiado, por favor avise en la recepción.</translation>
    </message>
    <message>
        <source>Something went wrong on our side. Everything you entered is saved. A staff member at the front desk will help you finish.</source>
        <translation>Algo salió mal de nuestro lado. Todo lo que escribió está guardado. Una persona de la recepción le ayudará a terminar.</translation>
    </message>
    <message>
        <source>Thank you for telling us</source>
        <translation>Gracias por decírnoslo</translation>
    </message>
    <message>
        <source>A member of our care team will check in with you today before anything else. You are not alone, and you do not have to wait to talk to someone.</source>
        <translation>Una persona de nuestro equipo de atención hablará con usted hoy antes que nada. No está solo(a), y no tiene que esperar para hablar con alguien.</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Continuar</translation>
    </message>
    <message>
        <source>Thank you, you are checked in</source>
        <translation>Gracias, ya está registrado(a)</translation>
    </message>
    <message>
        <source>Please stay here in the waiting room. Someone from our care team will come and talk with you before anything else.</source>
        <translation>Por favor, quédese aquí en la sala de espera. Alguien de nuestro equipo de atención vendrá a hablar con usted antes que nada.</translation>
    </message>
    <message>
        <source>Please have a seat. A member of our team will call your name when it is time. If you need anything, please ask at the front desk.</source>
        <translation>Por favor, tome asiento. Una persona de nuestro equipo le llamará por su nombre cuando sea su turno. Si necesita algo, pregunte en la recepción.</translation>
    </message>
    <message>
        <source>Please type a phone number with its area code, for example 555 010 0199.</source>
        <translation>Por favor, escriba un número de teléfono con su código de área, por ejemplo 555 010 0199.</translation>
    </message>
    <message>
        <source>Please type a number.</source>
        <translation>Por favor, escriba un número.</translation>
    </message>
    <message>
        <source>Please type a number between %1 and %2.</source>
        <translation>Por favor, escriba un número entre %1 y %2.</translation>
    </message>
    <message>
        <source>Please type the date as month/day/year, for example 04/27/2026.</source>
        <translation>Por favor, escriba la fecha como mes/día/año, por ejemplo 04/27/2026.</translation>
    </message>
    <message>
        <source>Please type an answer.</source>
        <translation>Por favor, escriba una respuesta.</translation>
    </message>
    <message>
        <source>Emergency contact on file: %1</source>
        <translation>Contacto de emergencia en su expediente: %1</translation>
    </message>
    <message>
        <source>We have no emergency contact on file for you.</source>
        <translation>No tenemos un contacto de emergencia en su expediente.</translation>
    </message>
    <message>
        <source>A new part of your visit starts here. There is one question on each screen, and Back takes you to the one before.</source>
        <translation>Aquí empieza una nueva parte de su visita. Hay una pregunta en cada pantalla, y Atrás le lleva a la anterior.</translation>
    </message>
    <message>
        <source>Step %1 of %2: %3</source>
        <translation>Paso %1 de %2: %3</translation>
    </message>
    <message>
        <source>Question %1</source>
        <translation>Pregunta %1</translation>
    </message>
    <message>
        <source>Skip</source>
        <translation>Omitir</translation>
    </message>
    <message>
        <source>Not answered</source>
        <translation>Sin respuesta</translation>
    </message>
    <message>
        <source>Forms still to sign</source>
        <translation>Formularios por firmar</translation>
    </message>
    <message>
        <source>Read and sign</source>
        <translation>Leer y firmar</translation>
    </message>
    <message>
        <source>Consents you signed today</source>
        <translation>Consentimientos que firmó hoy</translation>
    </message>
    <message>
        <source>Sign the forms above first</source>
        <translation>Primero firme los formularios</translation>
    </message>
    <message>
        <source>Answer the questions above first</source>
        <translation>Primero conteste las preguntas</translation>
    </message>
    <message>
        <source>Some questions still need an answer.</source>
        <translation>Todavía faltan respuestas a algunas preguntas.</translation>
    </message>
    <message>
        <source>Some forms are not signed yet:</source>
        <translation>Algunos formularios aún no están firmados:</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Cambiar</translation>
    </message>
    <message>
        <source>Please check your answers</source>
        <translation>Por favor, revise sus respuestas</translation>
    </message>
    <message>
        <source>Tap Change to correct an answer. When everything looks right, tap Submit.</source>
        <translation>Toque Cambiar para corregir una respuesta. Cuando todo esté bien, toque Enviar.</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>Enviar</translation>
    </message>
    <message>
        <source>Welcome. Tap Start to check in for your visit.</source>
        <translation>Bienvenido. Toque Comenzar para registrarse para su visita.</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Comenzar</translation>
    </message>
    <message>
        <source>dddd, MMMM d · h:mm AP</source>
        <translation>dddd d &apos;de&apos; MMMM · h:mm ap</translation>
    </message>
    <message>
        <source>Larger text</source>
        <translation>Letra más grande</translation>
    </message>
    <message>
        <source>High contrast</source>
        <translation>Alto contraste</translation>
    </message>
    <message>
        <source>Are you still there?</source>
        <translation>¿Sigue ahí?</translation>
    </message>
    <message>
        <source>For your privacy, this screen will start over in</source>
        <translation>Por su privacidad, esta pantalla volverá al inicio en</translation>
    </message>
    <message>
        <source>I&apos;m still here</source>
        <translation>Sigo aquí</translation>
    </message>
    <message>
        <source>Your answers are saved.</source>
        <translation>Sus respuestas están guardadas.</translation>
    </message>
    <message>
        <source>second</source>
        <translation>segundo</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>segundos</translation>
    </message>
    <message>
        <source>h:mm AP</source>
        <translation>h:mm ap</translation>
    </message>
    <message>
        <source>A member of our team will talk with you about a few of your answers before your session.</source>
        <translation>Una persona de nuestro equipo hablará con usted sobre algunas de sus respuestas antes de su sesión.</translation>
    </message>
    <message>
        <source>Stop reading</source>
        <translation>Dejar de leer</translation>
    </message>
    <message>
        <source>Read aloud</source>
        <translation>Leer en voz alta</translation>
    </message>
    <message>
        <source>Staff menu</source>
        <translation>Menú del personal</translation>
    </message>
    <message>
        <source>Signed in as %1.</source>
        <translation>Sesión iniciada como %1.</translation>
    </message>
    <message>
        <source>Open the staff console</source>
        <translation>Abrir la consola del personal</translation>
    </message>
    <message>
        <source>Leave kiosk mode</source>
        <translation>Salir del modo quiosco</translation>
    </message>
    <message>
        <source>Back to the kiosk</source>
        <translation>Volver al quiosco</translation>
    </message>
    <message>
        <source>Staff PIN</source>
        <translation>PIN del personal</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Locked — try again in %1</source>
        <translation>Bloqueado: vuelva a intentarlo en %1</translation>
    </message>
    <message>
        <source>The PIN could not be checked. Please try again or restart the tablet.</source>
        <translation>No se pudo comprobar el PIN. Vuelva a intentarlo o reinicie la tableta.</translation>
    </message>
</context>
</TS>
