#!/usr/bin/env node
// Checks a `refract check --format sarif` log against the OASIS SARIF 2.1.0 schema (read from
// REFERENCE, ../shared/reference/import-formats) and against what GitHub code scanning reads:
// each rule's short and full description and help URI, a partialFingerprints per result, and
// artifact URIs relative to a uriBaseId the run maps.
// https://docs.github.com/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
//
//   node check_sarif.js LOG REFERENCE
'use strict';

const fs = require('fs');
const path = require('path');
const Ajv4 = require('ajv-draft-04');
const addFormats = require('ajv-formats');

const [log, reference] = process.argv.slice(2);
if (!log || !reference) {
  console.error('usage: check_sarif.js LOG REFERENCE');
  process.exit(2);
}
const errors = [];
const sarif = JSON.parse(fs.readFileSync(log, 'utf8'));
const schema =
    JSON.parse(fs.readFileSync(path.join(reference, 'sarif-schema-2.1.0.json'), 'utf8'));
const ajv = new Ajv4({allErrors: true, strict: false});
addFormats(ajv);
const validate = ajv.compile(schema);
if (!validate(sarif)) {
  for (const e of validate.errors.slice(0, 10)) errors.push(`schema: ${e.instancePath} ${e.message}`);
}
let results = 0;
for (const run of sarif.runs || []) {
  const rules = new Map(((run.tool || {}).driver || {}).rules?.map((r) => [r.id, r]) || []);
  for (const [id, r] of rules) {
    if (!r.shortDescription || !r.shortDescription.text) errors.push(`rule ${id}: no shortDescription`);
    if (!r.fullDescription || !r.fullDescription.text) errors.push(`rule ${id}: no fullDescription`);
    if (!r.helpUri) errors.push(`rule ${id}: no helpUri`);
    if (/^refract diagnostic /.test((r.shortDescription || {}).text || '')) {
      errors.push(`rule ${id}: placeholder description`);
    }
  }
  const bases = run.originalUriBaseIds || {};
  for (const res of run.results || []) {
    results++;
    const where = `result ${results} (${res.ruleId})`;
    if (!rules.has(res.ruleId)) errors.push(`${where}: ruleId not among the rules`);
    if (!res.partialFingerprints || !Object.keys(res.partialFingerprints).length) {
      errors.push(`${where}: no partialFingerprints`);
    }
    for (const loc of res.locations || []) {
      const a = ((loc.physicalLocation || {}).artifactLocation) || {};
      if (a.uriBaseId) {
        if (!bases[a.uriBaseId]) errors.push(`${where}: uriBaseId ${a.uriBaseId} not mapped`);
        if (/^[a-z]+:|^\//i.test(a.uri)) errors.push(`${where}: uri under a base is absolute`);
      } else if (!/^file:\/\//.test(a.uri || '')) {
        errors.push(`${where}: relative uri without uriBaseId`);
      }
    }
  }
}
console.log(`sarif: ${results} result(s) checked, ${errors.length} error(s)`);
for (const e of errors.slice(0, 50)) console.log(`  ${e}`);
process.exit(errors.length ? 1 : 0);
