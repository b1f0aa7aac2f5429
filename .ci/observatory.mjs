// MDN HTTP Observatory's scoring of pages served on this machine (.ci/nginx_smoke.sh runs it).
//
//   NODE_EXTRA_CA_CERTS=cert.pem node .ci/observatory.mjs PACKAGE_DIR HOST HTTP_PORT HTTPS_PORT PATH...
//
// PACKAGE_DIR is an installed @mdn/mdn-http-observatory (npm i --ignore-scripts, in a temporary
// directory). Its scan() takes a host name only, so this calls its retrieve() with the ports and the
// path, then runs the package's own tests and grading on the result, as scan() does. Prints one
// line per page and exits 1 unless every page gets an A+.
import path from "node:path";
import { pathToFileURL } from "node:url";

const [packageDir, host, httpPort, httpsPort, ...paths] = process.argv.slice(2);
const load = (file) => import(pathToFileURL(path.join(packageDir, "src", file)).href);
const { retrieve } = await load("retriever/retriever.js");
const { ALL_TESTS } = await load("constants.js");
const { getGradeForScore, getScoreModifier } = await load("grader/grader.js");
const { MINIMUM_SCORE_FOR_EXTRA_CREDIT } = await load("grader/charts.js");

let allTop = true;
for (const page of paths) {
  const retrieved = await retrieve(host, { httpPort, httpsPort, path: page });
  if (!retrieved.responses.auto) {
    console.log(`${page}: no answer`);
    allTop = false;
    continue;
  }
  let withExtraCredit = 100;
  let uncurved = 100;
  const misses = [];
  for (const test of ALL_TESTS) {
    const result = test(retrieved);
    if (!result.result) continue;
    const modifier = getScoreModifier(result.result);
    withExtraCredit += modifier;
    if (modifier < 0) uncurved += modifier;
    if (!result.pass) misses.push(`${result.constructor.name}: ${result.result}`);
  }
  const score = uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtraCredit : uncurved;
  const { grade, score: shown } = getGradeForScore(score);
  console.log(`${page}: ${grade} (${shown}/100)${misses.length ? `; failed: ${misses.join(", ")}` : ""}`);
  allTop &&= grade === "A+";
}
process.exit(allTop ? 0 : 1);
