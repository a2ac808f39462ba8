// Loads one exported Questionnaire with its QuestionnaireResponse in the NLM LHC-Forms renderer, in the
// system's headless Chromium, and prints what a person would see: the questions and the selected answers.
// Usage: node render_check.mjs QUESTIONNAIRE.json RESPONSE.json
// Everything is served from this folder on 127.0.0.1; nothing is downloaded.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = fileURLToPath(new URL(".", import.meta.url));
const lforms = join(here, "node_modules", "lforms", "dist", "lforms");
const [questionnairePath, responsePath] = process.argv.slice(2);
const files = {
  "/questionnaire.json": readFileSync(questionnairePath),
  "/response.json": readFileSync(responsePath),
  "/index.html": Buffer.from(`<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/lforms/webcomponent/styles.css">
</head><body><div id="form"></div>
<script src="/lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="/lforms/webcomponent/lhc-forms.js"></script>
<script src="/lforms/fhir/R4/lformsFHIR.min.js"></script>
</body></html>`),
};
const types = { ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".html": "text/html" };

const server = createServer((request, response) => {
  const path = normalize(decodeURIComponent(new URL(request.url, "http://127.0.0.1").pathname));
  let body = files[path];
  if (body === undefined && path.startsWith("/lforms/")) {
    try { body = readFileSync(join(lforms, path.slice("/lforms/".length))); } catch { body = undefined; }
  }
  if (body === undefined) { response.writeHead(404); response.end(); return; }
  response.writeHead(200, { "content-type": types[extname(path)] || "application/octet-stream" });
  response.end(body);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = server.address().port;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  const page = await browser.newPage();
  const errors = [];
  await page.route("**/favicon.ico", (route) => route.fulfill({ status: 204, body: "" }));
  page.on("pageerror", (error) => errors.push(String(error)));
  // Refuse anything that is not this local server, so a test can never reach out.
  await page.route("**/*", (route) =>
    route.request().url().startsWith(`http://127.0.0.1:${port}/`) ? route.continue() : route.abort());
  await page.goto(`http://127.0.0.1:${port}/index.html`);
  await page.waitForFunction(() => window.LForms && window.LForms.Util, null, { timeout: 30000 })
    .catch((error) => { console.error(JSON.stringify(errors)); throw error; });
  await page.evaluate(async () => {
    const questionnaire = await (await fetch("/questionnaire.json")).json();
    const response = await (await fetch("/response.json")).json();
    const form = LForms.Util.convertFHIRQuestionnaireToLForms(questionnaire, "R4");
    const merged = LForms.Util.mergeFHIRDataIntoLForms("QuestionnaireResponse", response, form, "R4");
    await LForms.Util.addFormToPage(merged, "form");
  });
  await page.waitForSelector("lhc-item", { timeout: 30000 });
  const seen = await page.evaluate(() => {
    const items = [...document.querySelectorAll(".lhc-de")].map((row) => {
      const label = row.querySelector(".lhc-de-label .question, .lhc-question, label");
      // A list answer shows in a combo box (its input's value) or as a checked radio button or checkbox.
      const boxes = [...row.querySelectorAll("input[type=text], input:not([type])")].map((input) => input.value.trim());
      const checked = [...row.querySelectorAll("input:checked")].map((input) => {
        const choice = input.closest("label");
        return (choice ? choice.textContent : input.value || "").trim();
      });
      return { question: label ? label.textContent.trim() : "", selected: [...boxes, ...checked].filter((text) => text !== "") };
    });
    return items;
  });
  await page.screenshot({ path: process.env.SCREENSHOT || "/dev/null", fullPage: true }).catch(() => {});
  console.log(JSON.stringify({ items: seen, errors }));
} finally {
  await browser.close();
  server.close();
}
