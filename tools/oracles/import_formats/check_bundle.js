#!/usr/bin/env node
// Checks a `refract bundle` folder against each platform's own published import schema or, where
// the vendor publishes rules rather than a schema, against those rules. The schemas are read from
// REFERENCE (../shared/reference/import-formats); nothing of them is kept in this repository.
//
//   node check_bundle.js BUNDLE REFERENCE [--max-errors N] [--kql-out DIR]
//
// Prints, per format, the files checked and the errors, then every error as `path: message`.
// Exits 1 when any file fails, 2 on bad usage. The sources of each rule are in docs/bundle.md.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const YAML = require('yaml');
const Ajv7 = require('ajv');
const Ajv4 = require('ajv-draft-04');
const addFormats = require('ajv-formats');

const [bundle, reference] = process.argv.slice(2);
if (!bundle || !reference) {
  console.error('usage: check_bundle.js BUNDLE REFERENCE [--max-errors N]');
  process.exit(2);
}
const maxErrorsAt = process.argv.indexOf('--max-errors');
const maxErrors = maxErrorsAt > 0 ? Number(process.argv[maxErrorsAt + 1]) : 200;
// --kql-out DIR: each Sentinel rule's query written to DIR/<rule>.kql, for the Kusto oracle.
const kqlOutAt = process.argv.indexOf('--kql-out');
const kqlOut = kqlOutAt > 0 ? process.argv[kqlOutAt + 1] : null;

const results = new Map();  // format -> {files, errors: [[path, message]]}
function format(name) {
  if (!results.has(name)) results.set(name, {files: 0, errors: []});
  return results.get(name);
}
function fail(fmt, file, message) { format(fmt).errors.push([file, message]); }
function read(rel) { return fs.readFileSync(path.join(bundle, rel), 'utf8'); }
function exists(rel) { return fs.existsSync(path.join(bundle, rel)); }
function list(rel, suffix) {
  const dir = path.join(bundle, rel);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith(suffix)).sort().map((f) => `${rel}/${f}`);
}
function ajvErrors(validate) {
  return (validate.errors || []).slice(0, 5).map(
      (e) => `${e.instancePath || '/'} ${e.message}${e.params && e.params.additionalProperty ?
                                                      ` (${e.params.additionalProperty})` : ''}`);
}

// ---- Microsoft Sentinel --------------------------------------------------------------------
// Azure/Azure-Sentinel .script/tests/detectionTemplateSchemaValidation (ScheduledTemplateInternalModel,
// AnalyticsTemplateInternalModelBase, NoTechniquesWithoutMatchingTactics, KillChainTechniquesHelper).
const kSentinelTactics = new Map();  // technique -> [tactic]
for (const line of fs.readFileSync(path.join(reference, 'sentinel-technique-tactics.txt'), 'utf8')
         .split('\n')) {
  const [tactic, ...techniques] = line.trim().split(/\s+/);
  if (!tactic) continue;
  for (const t of techniques) {
    if (!kSentinelTactics.has(t)) kSentinelTactics.set(t, []);
    kSentinelTactics.get(t).push(tactic);
  }
}
const kTacticNames = new Set([
  'InitialAccess', 'Execution', 'Persistence', 'PrivilegeEscalation', 'DefenseEvasion',
  'CredentialAccess', 'Discovery', 'LateralMovement', 'Collection', 'Exfiltration',
  'CommandAndControl', 'Impact', 'Reconnaissance', 'ResourceDevelopment', 'ImpairProcessControl',
  'InhibitResponseFunction',
]);
const kGuid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

// ScheduledTemplateTimeSpanConverter: a .NET TimeSpan or <number><m|h|d>; minutes.
function sentinelMinutes(value) {
  if (typeof value !== 'string') return NaN;
  const m = /^(\d+)([mhd])$/.exec(value);
  if (m) return Number(m[1]) * {m: 1, h: 60, d: 1440}[m[2]];
  const ts = /^(?:(\d+)\.)?(\d+):(\d+)(?::(\d+))?$/.exec(value);
  if (ts) return Number(ts[1] || 0) * 1440 + Number(ts[2]) * 60 + Number(ts[3]);
  return NaN;
}
// ISO 8601 durations of the ARM template (format: duration), in minutes.
function isoMinutes(value) {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(value || '');
  if (!m || value === 'P' || value.endsWith('T')) return NaN;
  return Number(m[1] || 0) * 1440 + Number(m[2] || 0) * 60 + Number(m[3] || 0) +
      Number(m[4] || 0) / 60;
}

function checkSchedule(fmt, file, frequency, period) {
  const lo = 5, hi = 14 * 1440;  // RangeTimeSpanIsoFormat("00:05:00", "14.00:00:00")
  if (!(frequency >= lo && frequency <= hi)) fail(fmt, file, 'queryFrequency outside 5m..14d');
  if (!(period >= lo && period <= hi)) fail(fmt, file, 'queryPeriod outside 5m..14d');
  if (period < frequency) fail(fmt, file, 'queryPeriod shorter than queryFrequency');
  // FrequencyLimitationForLongPeriodQuery
  if (period >= 2 * 1440 && frequency < 60) {
    fail(fmt, file, 'queryPeriod of 2 days or more needs a queryFrequency of at least 1 hour');
  }
}

function checkTactics(fmt, file, tactics, techniques) {
  for (const t of tactics || []) {
    if (!kTacticNames.has(t)) fail(fmt, file, `unknown tactic ${t}`);
  }
  for (const technique of techniques || []) {
    const parent = String(technique).split('.')[0];
    const needed = kSentinelTactics.get(parent) || [];
    if (needed.length === 0) fail(fmt, file, `technique ${technique} is in no tactic Sentinel knows`);
    const missing = needed.filter((t) => !(tactics || []).includes(t));
    if (missing.length) {
      fail(fmt, file, `technique ${technique} needs tactic(s) ${missing.join(', ')}`);
    }
  }
}

function checkSentinelYaml(file) {
  const fmt = 'sentinel analytic rule (YAML)';
  format(fmt).files++;
  let rule;
  try {
    rule = YAML.parse(read(file), {uniqueKeys: true});
  } catch (e) {
    return fail(fmt, file, `YAML: ${e.message.split('\n')[0]}`);
  }
  for (const key of ['id', 'kind', 'name', 'description', 'severity', 'requiredDataConnectors',
                     'query', 'queryFrequency', 'queryPeriod', 'triggerOperator',
                     'triggerThreshold']) {
    if (!(key in rule)) fail(fmt, file, `missing required key ${key}`);
  }
  if (!kGuid.test(String(rule.id))) fail(fmt, file, 'id is not a GUID');
  if (!['Scheduled', 'NRT'].includes(rule.kind)) fail(fmt, file, `kind ${rule.kind}`);
  if (typeof rule.name !== 'string' || rule.name.length > 256) fail(fmt, file, 'name over 256');
  if (typeof rule.description !== 'string' || rule.description.length > 5000) {
    fail(fmt, file, 'description over 5000 characters');
  }
  if (!['Informational', 'Low', 'Medium', 'High'].includes(rule.severity)) {
    fail(fmt, file, `severity ${rule.severity}`);
  }
  if (!Array.isArray(rule.requiredDataConnectors) ||
      rule.requiredDataConnectors.some((c) => !c || !Array.isArray(c.dataTypes))) {
    fail(fmt, file, 'requiredDataConnectors must list connectors with dataTypes');
  }
  if (typeof rule.query !== 'string' || rule.query.length < 1 || rule.query.length > 10000) {
    fail(fmt, file, `query of ${String(rule.query || '').length} characters (1..10,000)`);
  }
  if (!['GreaterThan', 'LessThan', 'Equal', 'NotEqual', 'gt', 'lt', 'eq', 'ne'].includes(
          rule.triggerOperator)) {
    fail(fmt, file, `triggerOperator ${rule.triggerOperator}`);
  }
  if (!Number.isInteger(rule.triggerThreshold) || rule.triggerThreshold < 0 ||
      rule.triggerThreshold > 10000) {
    fail(fmt, file, 'triggerThreshold not an integer in 0..10000');
  }
  if (rule.version !== undefined &&
      (typeof rule.version !== 'string' || !/^\d+\.\d+\.\d+$/.test(rule.version))) {
    fail(fmt, file, 'version is not a.b.c');
  }
  checkSchedule(fmt, file, sentinelMinutes(rule.queryFrequency), sentinelMinutes(rule.queryPeriod));
  checkTactics(fmt, file, rule.tactics, rule.relevantTechniques);
  collectWatchlistReads(file, rule.query);
  if (kqlOut && typeof rule.query === 'string') {
    fs.mkdirSync(kqlOut, {recursive: true});
    fs.writeFileSync(path.join(kqlOut, `${path.basename(file, '.yaml')}.kql`), rule.query);
  }
}

// ARM: azure-rest-api-specs securityinsights stable/2023-02-01 AlertRules.json
// (ScheduledAlertRuleProperties); template limits from learn.microsoft.com
// azure-resource-manager/templates/best-practices (800 resources, 4 MB).
function checkArm(file) {
  const fmt = 'sentinel ARM template';
  format(fmt).files++;
  const text = read(file);
  if (Buffer.byteLength(text) > 4 * 1024 * 1024) fail(fmt, file, 'template over 4 MB');
  let template;
  try {
    template = JSON.parse(text);
  } catch (e) {
    return fail(fmt, file, `JSON: ${e.message}`);
  }
  const resources = template.resources || [];
  if (resources.length > 800) fail(fmt, file, `${resources.length} resources (at most 800)`);
  resources.forEach((r, i) => {
    const where = `${file} resources[${i}]`;
    if (r.kind !== 'Scheduled') return fail(fmt, where, `kind ${r.kind}`);
    const p = r.properties || {};
    for (const key of ['displayName', 'enabled', 'severity', 'query', 'queryFrequency',
                       'queryPeriod', 'triggerOperator', 'triggerThreshold', 'suppressionEnabled',
                       'suppressionDuration']) {
      if (!(key in p)) fail(fmt, where, `missing required property ${key}`);
    }
    if (!['High', 'Medium', 'Low', 'Informational'].includes(p.severity)) {
      fail(fmt, where, `severity ${p.severity}`);
    }
    if (!['GreaterThan', 'LessThan', 'Equal', 'NotEqual'].includes(p.triggerOperator)) {
      fail(fmt, where, `triggerOperator ${p.triggerOperator}`);
    }
    for (const key of ['queryFrequency', 'queryPeriod', 'suppressionDuration']) {
      if (Number.isNaN(isoMinutes(p[key]))) fail(fmt, where, `${key} is not an ISO 8601 duration`);
    }
    if (typeof p.query !== 'string' || p.query.length > 10000) {
      fail(fmt, where, `query of ${String(p.query || '').length} characters (at most 10,000)`);
    }
    checkSchedule(fmt, where, isoMinutes(p.queryFrequency), isoMinutes(p.queryPeriod));
    checkTactics(fmt, where, p.tactics, p.techniques);
    collectWatchlistReads(where, p.query);
  });
}

// Watchlists: azure-rest-api-specs securityinsights stable/2023-02-01 Watchlists.json
// (WatchlistProperties: displayName, source, provider, itemsSearchKey; source an enum; only
// text/csv content), and a file upload of at most 3.8 MB
// (learn.microsoft.com/azure/sentinel/watchlists-create).
const kWatchlistsRead = new Map();  // alias -> file that reads it
function collectWatchlistReads(file, query) {
  for (const m of String(query || '').matchAll(/_GetWatchlist\(["']([^"']+)["']\)/g)) {
    if (!kWatchlistsRead.has(m[1])) kWatchlistsRead.set(m[1], file);
  }
}
const kWatchlistsDeployed = new Set();
function checkWatchlists(file) {
  const fmt = 'sentinel watchlists (ARM)';
  let template;
  try {
    template = JSON.parse(read(file));
  } catch (e) {
    return fail(fmt, file, `JSON: ${e.message}`);
  }
  (template.resources || []).forEach((r, i) => {
    format(fmt).files++;
    const where = `${file} resources[${i}]`;
    if (r.type !== 'Microsoft.OperationalInsights/workspaces/providers/Watchlists') {
      fail(fmt, where, `type ${r.type}`);
    }
    const p = r.properties || {};
    for (const key of ['displayName', 'source', 'provider', 'itemsSearchKey']) {
      if (typeof p[key] !== 'string' || !p[key]) fail(fmt, where, `missing required ${key}`);
    }
    if (!['Local file', 'Remote storage'].includes(p.source)) fail(fmt, where, `source ${p.source}`);
    if (p.contentType !== 'text/csv') fail(fmt, where, `contentType ${p.contentType}`);
    const raw = String(p.rawContent || '');
    if (Buffer.byteLength(raw) > 3.8 * 1024 * 1024) fail(fmt, where, 'rawContent over 3.8 MB');
    const header = raw.split(/\r?\n/)[Number(p.numberOfLinesToSkip || 0)] || '';
    if (!header.split(',').includes(p.itemsSearchKey)) {
      fail(fmt, where, `itemsSearchKey ${p.itemsSearchKey} is not a column of the CSV`);
    }
    const alias = p.watchlistAlias;
    if (!String(r.name || '').endsWith(`/Microsoft.SecurityInsights/${alias}')]`)) {
      fail(fmt, where, 'resource name does not end in the alias');
    }
    kWatchlistsDeployed.add(alias);
  });
}
function checkWatchlistsDeployed() {
  for (const [alias, file] of kWatchlistsRead) {
    if (!kWatchlistsDeployed.has(alias)) {
      fail('sentinel watchlists (ARM)', file, `reads watchlist ${alias}, which the bundle lacks`);
    }
  }
}

// ---- Elastic -------------------------------------------------------------------------------
// elastic/detection-rules etc/api_schemas/master/master.<type>.json, and detection_rules/rule.py:
// ES|QL queries carry `METADATA _id, _version, _index` and a KEEP; sub-techniques nest.
const ajv4 = new Ajv4({allErrors: true, strict: false});
const elasticSchemas = {};
function elasticSchema(type) {
  if (!elasticSchemas[type]) {
    const file = path.join(reference, 'elastic-detection-rules/master', `master.${type}.json`);
    elasticSchemas[type] = ajv4.compile(JSON.parse(fs.readFileSync(file, 'utf8')));
  }
  return elasticSchemas[type];
}
function checkElastic(file, expectedType) {
  const fmt = `elastic ${expectedType} rules (NDJSON)`;
  read(file).split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    format(fmt).files++;
    const where = `${file}:${i + 1}`;
    let rule;
    try {
      rule = JSON.parse(line);
    } catch (e) {
      return fail(fmt, where, `JSON: ${e.message}`);
    }
    if (rule.type !== expectedType) fail(fmt, where, `type ${rule.type}`);
    const validate = elasticSchema(rule.type === 'query' ? 'query' : rule.type || expectedType);
    if (!validate(rule)) for (const e of ajvErrors(validate)) fail(fmt, where, e);
    if (rule.type === 'esql') {
      // Kibana's rule form: a query without STATS must read `METADATA _id, _version, _index`
      // after its source command and keep `_id`; rule.py asks it to end in a KEEP of them.
      const q = String(rule.query || '');
      const aggregating = /\|\s*stats\b/i.test(q);
      if (!aggregating) {
        if (!/^\s*from\s+[^|]*\bmetadata\s+_id\s*,\s*_version\s*,\s*_index\b/i.test(q)) {
          fail(fmt, where, 'non-aggregating ES|QL rule without `METADATA _id, _version, _index`');
        }
        const keep = /\|\s*keep\s+([^|]*)$/i.exec(q);
        if (!keep || !/\b_id\b/.test(keep[1]) || !/\b_version\b/.test(keep[1]) ||
            !/\b_index\b/.test(keep[1])) {
          fail(fmt, where, 'non-aggregating ES|QL rule without a final KEEP of _id, _version, _index');
        }
      }
    }
    for (const threat of rule.threat || []) {
      for (const t of threat.technique || []) {
        if (String(t.id).includes('.')) {
          fail(fmt, where, `sub-technique ${t.id} written as a technique`);
        }
        for (const s of t.subtechnique || []) {
          if (!String(s.id).startsWith(`${t.id}.`)) {
            fail(fmt, where, `sub-technique ${s.id} under ${t.id}`);
          }
        }
      }
    }
  });
}

// ---- Splunk --------------------------------------------------------------------------------
// savedsearches.conf.spec: the settings a stanza may hold; a line that ends in a backslash
// continues on the next (docs.splunk.com Admin "Configuration file structure").
function specPatterns() {
  const patterns = [];
  for (const line of fs.readFileSync(path.join(reference, 'savedsearches.conf.spec'), 'utf8')
           .split('\n')) {
    const m = /^([A-Za-z_<][^\s=]*)\s*=/.exec(line);
    if (!m) continue;
    const source = m[1].split(/<[^>]*>/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
                       .join('[^=\\s]+');
    patterns.push(new RegExp(`^${source}$`));
  }
  return patterns;
}
function parseConf(text) {
  const stanzas = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    const start = i + 1;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)}\n${lines[++i]}`;
    if (/^\s*(#|$)/.test(line)) continue;
    const header = /^\[(.*)\]\s*$/.exec(line);
    if (header) {
      stanzas.push({name: header[1], line: start, settings: new Map(), duplicates: []});
      continue;
    }
    const kv = /^\s*([^=\s]+)\s*=\s?(.*)$/s.exec(line);
    if (!kv || !stanzas.length) {
      stanzas.push({name: null, line: start, bad: line});
      continue;
    }
    const stanza = stanzas[stanzas.length - 1];
    if (stanza.settings.has(kv[1])) stanza.duplicates.push(kv[1]);
    stanza.settings.set(kv[1], kv[2]);
  }
  return stanzas;
}
function checkSplunk(file, manifest) {
  const fmt = 'splunk savedsearches.conf';
  const patterns = specPatterns();
  const queries = new Map();
  for (const q of (manifest && manifest.rules) || []) {
    if (q.target === 'spl') queries.set(q.title, q.sha256);
  }
  const names = new Set();
  for (const s of parseConf(read(file))) {
    const where = `${file}:${s.line}`;
    if (s.bad !== undefined) {
      fail(fmt, where, `not a setting: ${s.bad.slice(0, 60)}`);
      continue;
    }
    format(fmt).files++;
    if (names.has(s.name)) fail(fmt, where, `stanza [${s.name}] twice`);
    names.add(s.name);
    for (const d of s.duplicates) fail(fmt, where, `setting ${d} twice in [${s.name}]`);
    for (const key of s.settings.keys()) {
      if (!patterns.some((p) => p.test(key))) fail(fmt, where, `setting ${key} is not in the .spec`);
    }
    if (!s.settings.has('search')) fail(fmt, where, `[${s.name}] has no search`);
    const sha = queries.get(s.name);
    if (sha && s.settings.has('search')) {
      const got = crypto.createHash('sha256').update(s.settings.get('search')).digest('hex');
      if (got !== sha) fail(fmt, where, `[${s.name}] search does not read back as the query`);
    }
  }
}

// The CSV lookups the searches read: `inputlookup <name>.csv` needs lookups/<name>.csv beside
// the searches (the app's lookups folder); its one column, `value`, is what the search renames
// to the field; a subsearch returns at most 10,000 results (limits.conf [subsearch] maxout,
// help.splunk.com Search Manual "About subsearches"), so a longer list would be cut.
function checkSplunkLookups(folder) {
  const fmt = 'splunk lookups (CSV)';
  const read_ = new Map();
  for (const f of list(folder, '.conf')) {
    for (const m of read(f).matchAll(/\|\s*inputlookup\s+([^\s|\]]+)/g)) read_.set(m[1], f);
  }
  const files = new Set(list(`${folder}/lookups`, '.csv').map((f) => path.basename(f)));
  for (const [name, conf] of read_) {
    if (!files.has(name)) fail(fmt, conf, `reads lookup ${name}, which the bundle lacks`);
  }
  for (const name of files) {
    const f = `${folder}/lookups/${name}`;
    format(fmt).files++;
    if (!read_.has(name)) fail(fmt, f, 'no search reads it');
    const rows = parseCsv(read(f));
    if (!rows) {
      fail(fmt, f, 'not RFC 4180 CSV');
      continue;
    }
    if (rows.length < 2 || rows[0].length !== 1 || rows[0][0] !== 'value') {
      fail(fmt, f, 'not one column, `value`, with rows');
    }
    if (rows.length - 1 > 10000) fail(fmt, f, `${rows.length - 1} rows, past a subsearch's 10,000`);
    rows.forEach((r, i) => {
      if (r.length !== 1) fail(fmt, `${f}:${i + 1}`, `${r.length} fields`);
    });
  }
}
// LogScale lookup files the queries read: match(file=) and cidr(file=) need the file under
// cql/files/ (uploaded to the repository's Files under its name), its `column` a column of the
// file, and a cidr() file's rows networks (library.humio.com functions-match, functions-cidr).
function checkLogscaleFiles(folder) {
  const fmt = 'logscale lookup files (CSV)';
  const reads = [];
  for (const f of list(folder, '.yaml')) {
    const text = read(f);
    for (const m of text.matchAll(/\b(match|cidr)\(([^()]*\bfile="([^"]+)"[^()]*)\)/g)) {
      const column = /\bcolumn="([^"]+)"/.exec(m[2]);
      reads.push({fn: m[1], file: m[3], column: column ? column[1] : null, where: f});
    }
  }
  const files = new Set(list(`${folder}/files`, '.csv').map((f) => path.basename(f)));
  const rowsOf = new Map();
  for (const name of files) {
    format(fmt).files++;
    const f = `${folder}/files/${name}`;
    const rows = parseCsv(read(f));
    if (!rows || rows.length < 2) {
      fail(fmt, f, 'not RFC 4180 CSV with a header and rows');
      continue;
    }
    rowsOf.set(name, rows);
    if (!reads.some((r) => r.file === name)) fail(fmt, f, 'no query reads it');
  }
  for (const r of reads) {
    const rows = rowsOf.get(r.file);
    if (!files.has(r.file)) {
      fail(fmt, r.where, `${r.fn}() reads ${r.file}, which the bundle lacks`);
      continue;
    }
    if (!rows) continue;
    const index = rows[0].indexOf(r.column);
    if (index < 0) {
      fail(fmt, r.where, `${r.fn}() reads column ${r.column}, which ${r.file} lacks`);
      continue;
    }
    if (r.fn === 'cidr') {
      for (const row of rows.slice(1)) {
        if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(row[index] || '')) {
          fail(fmt, `${folder}/files/${r.file}`, `not a network: ${row[index]}`);
        }
      }
    }
  }
}
// QRadar reference sets the searches read with REFERENCESETCONTAINS('name', value): each in
// aql/reference_sets.json with a name, an element_type the reference data API takes (ALN, NUM,
// IP, PORT, ALNIC, DATE, CIDR) and unique elements; a set read through LOWER() holds no
// upper-case letter, or it could never match (ibm.com/docs qradar-on-cloud "Creating reference
// data collections with the APIs"; r_aql_data_functions REFERENCESETCONTAINS).
function checkQradarReferenceSets(folder) {
  const fmt = 'qradar reference sets';
  const reads = new Map();
  for (const f of list(folder, '.json')) {
    if (path.basename(f) === 'reference_sets.json') continue;
    let searches = [];
    try {
      searches = JSON.parse(read(f));
    } catch (e) {
      continue;  // the saved searches' own JSON is not this check's
    }
    for (const search of searches) {
      for (const m of String(search.aql || '').matchAll(
               /REFERENCESETCONTAINS\('((?:[^']|'')*)',\s*(LOWER\()?/g)) {
        reads.set(m[1], {lower: Boolean(m[2]) || (reads.get(m[1]) || {}).lower, where: f});
      }
    }
  }
  const setsPath = `${folder}/reference_sets.json`;
  const sets = new Map();
  if (exists(setsPath)) {
    let parsed = [];
    try {
      parsed = JSON.parse(read(setsPath));
    } catch (e) {
      fail(fmt, setsPath, `JSON: ${e.message}`);
    }
    const types = new Set(['ALN', 'NUM', 'IP', 'PORT', 'ALNIC', 'DATE', 'CIDR']);
    (Array.isArray(parsed) ? parsed : []).forEach((set, i) => {
      format(fmt).files++;
      const where = `${setsPath} [${i}]`;
      if (typeof set.name !== 'string' || !set.name) return fail(fmt, where, 'no name');
      if (sets.has(set.name)) fail(fmt, where, `set ${set.name} twice`);
      sets.set(set.name, set);
      if (!types.has(set.element_type)) fail(fmt, where, `element_type ${set.element_type}`);
      const elements = Array.isArray(set.elements) ? set.elements : [];
      if (!elements.length) fail(fmt, where, 'no elements');
      if (new Set(elements).size !== elements.length) fail(fmt, where, 'an element twice');
      if (elements.some((e) => typeof e !== 'string' || !e)) fail(fmt, where, 'an empty element');
      if (!reads.has(set.name)) fail(fmt, where, `no search reads ${set.name}`);
    });
  }
  for (const [name, r] of reads) {
    const set = sets.get(name);
    if (!set) {
      fail(fmt, r.where, `reads reference set ${name}, which the bundle lacks`);
    } else if (r.lower && (set.elements || []).some((e) => /[A-Z]/.test(e))) {
      fail(fmt, setsPath, `${name} is read through LOWER() but holds upper-case letters`);
    }
  }
}
// Sumo Logic lookup tables the searches read with lookupContains(path://"<folder>/<name>",
// field=column): lookup_tables/<name>.json, a LookupTableSyncDefinition the content export
// schema accepts (checked with the searches' export) whose fields hold the column, and
// lookup_tables/<name>.csv, its rows, with a header of those fields (sumologic.com lookup and
// lookupContains operators: a header line, values under 1,024 bytes).
function checkSumoLookupTables(folder) {
  const fmt = 'sumo logic lookup tables';
  const reads = new Map();
  for (const f of list(folder, '.json')) {
    for (const m of read(f).matchAll(
             /lookupContains\(path:\/\/\\"([^"\\]*)\\",\s*[^=\s]+=([A-Za-z0-9_]+)\)/g)) {
      reads.set(m[1].split('/').pop(), {column: m[2], where: f});
    }
  }
  const tables = `${folder}/lookup_tables`;
  const names = new Set(list(tables, '.json').map((f) => path.basename(f, '.json')));
  for (const name of names) {
    format(fmt).files++;
    const where = `${tables}/${name}.json`;
    let table = {};
    try {
      table = JSON.parse(read(where));
    } catch (e) {
      fail(fmt, where, `JSON: ${e.message}`);
      continue;
    }
    if (table.name !== name) fail(fmt, where, `name ${table.name} is not the file name`);
    const fields = (table.fields || []).map((f) => f.fieldName);
    const r = reads.get(name);
    if (!r) {
      fail(fmt, where, 'no search reads it');
    } else if (!fields.includes(r.column)) {
      fail(fmt, r.where, `reads column ${r.column}, which table ${name} lacks`);
    }
    const csv = `${tables}/${name}.csv`;
    const rows = exists(csv) ? parseCsv(read(csv)) : null;
    if (!rows || rows.length < 2) {
      fail(fmt, csv, 'no CSV of rows with a header');
      continue;
    }
    if (rows[0].join(',') !== fields.join(',')) fail(fmt, csv, 'header is not the table\'s fields');
    if (rows.some((row) => row.some((v) => Buffer.byteLength(v) >= 1024))) {
      fail(fmt, csv, 'a value of 1,024 bytes or more');
    }
  }
  for (const [name, r] of reads) {
    if (!names.has(name)) fail(fmt, r.where, `reads lookup table ${name}, which the bundle lacks`);
  }
}
// Elasticsearch lookup indices the ES|QL rules join: `LOOKUP JOIN <index> ON <key>` needs
// lookup_indices/<index>.json, a create-index body in the lookup index mode whose mappings hold
// the key, and <index>.ndjson, a _bulk body (action line, document line) with each key once
// (a LOOKUP JOIN adds a row per matching document) and, where the rule lower-cases the field
// (TO_LOWER), no upper-case key (elastic.co ES|QL LOOKUP JOIN; index modules, index.mode).
function checkLookupIndices(folder) {
  const fmt = 'elastic lookup indices';
  const reads = new Map();
  for (const f of list(folder, '.ndjson')) {
    for (const line of read(f).split('\n').filter((l) => l.trim())) {
      let rule = {};
      try {
        rule = JSON.parse(line);
      } catch (e) {
        continue;  // the rules' own JSON is checkElastic's
      }
      const query = String(rule.query || '');
      for (const m of query.matchAll(/\| LOOKUP JOIN ([A-Za-z0-9_.-]+) ON ([A-Za-z0-9_.]+)/g)) {
        const lower = new RegExp(`EVAL ${m[2].replace(/\./g, '\\.')} = TO_LOWER\\(`).test(query);
        reads.set(m[1], {key: m[2], lower: lower || (reads.get(m[1]) || {}).lower, where: f});
      }
    }
  }
  const dir = `${folder}/lookup_indices`;
  const names = new Set(list(dir, '.json').map((f) => path.basename(f, '.json')));
  for (const name of names) {
    format(fmt).files++;
    const where = `${dir}/${name}.json`;
    let body = {};
    try {
      body = JSON.parse(read(where));
    } catch (e) {
      fail(fmt, where, `JSON: ${e.message}`);
      continue;
    }
    const mode = ((body.settings || {}).index || {}).mode || (body.settings || {})['index.mode'];
    if (mode !== 'lookup') fail(fmt, where, `index mode ${mode}, not lookup`);
    const properties = (body.mappings || {}).properties || {};
    const r = reads.get(name);
    if (!r) {
      fail(fmt, where, 'no rule joins it');
      continue;
    }
    if (!properties[r.key]) fail(fmt, where, `no mapping for the join key ${r.key}`);
    const bulk = `${dir}/${name}.ndjson`;
    const lines = exists(bulk) ? read(bulk).split('\n').filter((l) => l) : [];
    if (!lines.length || lines.length % 2) fail(fmt, bulk, 'not a _bulk body of action and document');
    const keys = new Set();
    for (let i = 0; i + 1 < lines.length; i += 2) {
      let action;
      let doc;
      try {
        action = JSON.parse(lines[i]);
        doc = JSON.parse(lines[i + 1]);
      } catch (e) {
        fail(fmt, `${bulk}:${i + 1}`, `JSON: ${e.message}`);
        continue;
      }
      if (!action.index && !action.create) fail(fmt, `${bulk}:${i + 1}`, 'not an index action');
      const key = doc[r.key];
      if (typeof key !== 'string' || !key) fail(fmt, `${bulk}:${i + 2}`, `no ${r.key}`);
      if (keys.has(key)) fail(fmt, `${bulk}:${i + 2}`, `key ${key} twice`);
      keys.add(key);
      if (r.lower && /[A-Z]/.test(key)) fail(fmt, `${bulk}:${i + 2}`, `upper case in ${key}`);
      for (const field of Object.keys(doc)) {
        if (!properties[field]) fail(fmt, `${bulk}:${i + 2}`, `${field} is not in the mappings`);
      }
    }
  }
  for (const [name, r] of reads) {
    if (!names.has(name)) fail(fmt, r.where, `joins lookup index ${name}, which the bundle lacks`);
  }
}
// RFC 4180 records (the last line break optional), or null when a quote is unbalanced.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  let i = 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (quoted) return null;
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

// ---- Google SecOps -------------------------------------------------------------------------
// chronicle/detection-rules tools/content_manager (rules.py): rules/<name>.yaral, the name in the
// file is the first `rule <name>`, and rule_config.yaml has an entry per rule with `enabled` and
// `alerting` and only the keys check_rule_config allows.
function checkChronicle(folder) {
  const fmt = 'google secops rules (content manager)';
  const files = list(`${folder}/rules`, '.yaral');
  if (!files.length) return;
  let config = {};
  const configPath = `${folder}/rule_config.yaml`;
  if (!exists(configPath)) {
    fail(fmt, configPath, 'missing');
  } else {
    try {
      config = YAML.parse(read(configPath), {uniqueKeys: true}) || {};
    } catch (e) {
      fail(fmt, configPath, `YAML: ${e.message.split('\n')[0]}`);
    }
  }
  const allowed = new Set(['alerting', 'archive_time', 'archived', 'create_time', 'enabled', 'id',
                           'resource_name', 'revision_create_time', 'revision_id',
                           'run_frequency', 'type']);
  const stems = new Set();
  const lower = new Set();
  for (const file of files) {
    format(fmt).files++;
    const stem = path.basename(file, '.yaral');
    stems.add(stem);
    const m = /rule(\s+)([A-Za-z0-9_]+)[\r\n\s]*/.exec(read(file));
    if (!m) {
      fail(fmt, file, 'no rule name');
    } else if (m[2] !== stem) {
      fail(fmt, file, `rule name ${m[2]} is not the file name`);
    }
    if (lower.has(stem.toLowerCase())) fail(fmt, file, 'rule name repeated (case-insensitive)');
    lower.add(stem.toLowerCase());
    const entry = config[stem];
    if (!entry) {
      fail(fmt, file, 'no rule_config.yaml entry');
      continue;
    }
    for (const key of Object.keys(entry)) {
      if (!allowed.has(key)) fail(fmt, file, `rule_config key ${key} not allowed`);
    }
    for (const key of ['enabled', 'alerting']) {
      if (typeof entry[key] !== 'boolean') fail(fmt, file, `rule_config ${key} missing`);
    }
    if (entry.archived === true && (entry.enabled || entry.alerting)) {
      fail(fmt, file, 'archived rule enabled or alerting');
    }
  }
  for (const name of Object.keys(config)) {
    if (!stems.has(name)) fail(fmt, configPath, `entry ${name} has no rule file`);
  }
  checkReferenceLists(folder, files);
}

// reference_lists.py: reference_lists/<name>.txt and reference_list_config.yaml, each with the
// other; config keys description and syntax_type required, only the allowed ones; and the
// Detection Engine's bounds: at most 7 `in` statements a rule, 2 with cidr
// (cloud.google.com/chronicle/docs/yara-l/reference-list-syntax). A rule's list must exist with
// the type its statement needs; a CIDR list's entries must be networks.
function checkReferenceLists(folder, ruleFiles) {
  const fmt = 'google secops reference lists (content manager)';
  const configPath = `${folder}/reference_list_config.yaml`;
  const txts = list(`${folder}/reference_lists`, '.txt');
  let config = {};
  if (exists(configPath)) {
    try {
      config = YAML.parse(read(configPath), {uniqueKeys: true}) || {};
    } catch (e) {
      fail(fmt, configPath, `YAML: ${e.message.split('\n')[0]}`);
    }
  }
  const allowed = new Set(['resource_name', 'revision_create_time', 'description', 'syntax_type',
                           'rules', 'rule_associations_count']);
  const types = new Set(['REFERENCE_LIST_SYNTAX_TYPE_UNSPECIFIED',
                         'REFERENCE_LIST_SYNTAX_TYPE_PLAIN_TEXT_STRING',
                         'REFERENCE_LIST_SYNTAX_TYPE_REGEX', 'REFERENCE_LIST_SYNTAX_TYPE_CIDR']);
  const names = new Set(txts.map((f) => path.basename(f, '.txt')));
  for (const f of txts) {
    format(fmt).files++;
    const name = path.basename(f, '.txt');
    const entry = config[name];
    if (!entry) {
      fail(fmt, f, 'no reference_list_config.yaml entry');
      continue;
    }
    for (const key of Object.keys(entry)) if (!allowed.has(key)) fail(fmt, f, `config key ${key}`);
    for (const key of ['description', 'syntax_type']) if (!(key in entry)) fail(fmt, f, `no ${key}`);
    if (!types.has(entry.syntax_type)) fail(fmt, f, `syntax_type ${entry.syntax_type}`);
    if (entry.syntax_type === 'REFERENCE_LIST_SYNTAX_TYPE_CIDR') {
      for (const line of read(f).split('\n').filter((l) => l)) {
        if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(line)) fail(fmt, f, `not a network: ${line}`);
      }
    }
  }
  for (const name of Object.keys(config)) {
    if (!names.has(name)) fail(fmt, configPath, `entry ${name} has no .txt file`);
  }
  for (const file of ruleFiles) {
    // String literals (a meta description, say) may hold `in %x` as prose; only statements count.
    const text = read(file).replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
    const uses = [...text.matchAll(/\bin\s+(cidr\s+|regex\s+)?%([A-Za-z0-9_]+)/g)];
    if (uses.length > 7) fail(fmt, file, `${uses.length} in statements (at most 7)`);
    if (uses.filter((u) => u[1] && u[1].startsWith('cidr')).length > 2) {
      fail(fmt, file, 'more than 2 in cidr statements');
    }
    for (const u of uses) {
      const want = u[1] && u[1].startsWith('cidr') ? 'REFERENCE_LIST_SYNTAX_TYPE_CIDR' :
                                                    'REFERENCE_LIST_SYNTAX_TYPE_PLAIN_TEXT_STRING';
      if (!names.has(u[2])) {
        fail(fmt, file, `reads reference list ${u[2]}, which the bundle lacks`);
      } else if ((config[u[2]] || {}).syntax_type !== want) {
        fail(fmt, file, `reads ${u[2]} as ${want}, but it is ${(config[u[2]] || {}).syntax_type}`);
      }
    }
  }
}

// ---- CrowdStrike LogScale ------------------------------------------------------------------
// The alert/v0.3.0 layout every template of CrowdStrike/logscale-community-content uses: read off
// those templates (reference/import-formats/logscale-templates), keys and value types.
function logscaleLayout() {
  const required = new Set();
  const seen = new Map();  // key -> typeof
  const dir = path.join(reference, 'logscale-templates');
  const templates = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  templates.forEach((f, i) => {
    const t = YAML.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    const keys = new Set(Object.keys(t));
    for (const k of keys) seen.set(k, Array.isArray(t[k]) ? 'array' : typeof t[k]);
    if (i === 0) {
      for (const k of keys) required.add(k);
    } else {
      for (const k of [...required]) if (!keys.has(k)) required.delete(k);
    }
  });
  return {required, seen};
}
function checkLogscale(folder) {
  const fmt = 'logscale alert (alert/v0.3.0)';
  const files = list(folder, '.yaml');
  if (!files.length) return;
  const {required, seen} = logscaleLayout();
  for (const file of files) {
    format(fmt).files++;
    let alert;
    try {
      alert = YAML.parse(read(file), {uniqueKeys: true});
    } catch (e) {
      fail(fmt, file, `YAML: ${e.message.split('\n')[0]}`);
      continue;
    }
    if (alert.$schema !== 'https://schemas.humio.com/alert/v0.3.0') {
      fail(fmt, file, `$schema ${alert.$schema}`);
    }
    for (const k of required) if (!(k in alert)) fail(fmt, file, `missing ${k}`);
    for (const [k, v] of Object.entries(alert)) {
      if (!seen.has(k)) {
        fail(fmt, file, `key ${k} is in no v0.3.0 template`);
      } else if ((Array.isArray(v) ? 'array' : typeof v) !== seen.get(k)) {
        fail(fmt, file, `${k} is not a ${seen.get(k)}`);
      }
    }
    for (const k of ['throttleTime', 'timeInterval']) {
      if (k in alert && !/^\d+(ms|s|m|h|d)$/.test(alert[k])) fail(fmt, file, `${k} ${alert[k]}`);
    }
  }
}

// ---- Sumo Logic ----------------------------------------------------------------------------
// The content sync definitions of Sumo's OpenAPI document (components.schemas), with OpenAPI's
// `nullable` and `discriminator` (the type name) read as OpenAPI 3.0 defines them.
const kOpenApiTypes = {double: 'number', float: 'number', long: 'integer', int: 'integer'};
function sumoValidator() {
  const doc = YAML.parse(fs.readFileSync(path.join(reference, 'sumologic-swagger.yaml'), 'utf8'));
  const schemas = doc.components.schemas;
  const discriminated = new Set(
      Object.keys(schemas).filter((n) => schemas[n].discriminator));
  const convert = (node, insideAllOf) => {
    if (Array.isArray(node)) return node.map((n) => convert(n, insideAllOf));
    if (!node || typeof node !== 'object') return node;
    // OpenAPI 3.0: a $ref replaces its object, siblings are ignored (searchSchedule has one).
    if (node.$ref) node = {$ref: node.$ref};
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'discriminator' || k === 'example' || k === 'nullable') continue;
      if (k === '$ref') {
        const name = v.split('/').pop();
        out.$ref = discriminated.has(name) && !insideAllOf ? `#/definitions/${name}__any` :
                                                             `#/definitions/${name}`;
        continue;
      }
      out[k] = convert(v, k === 'allOf');
    }
    // The document spells a few number types by their format (`type: double`).
    if (typeof out.type === 'string' && kOpenApiTypes[out.type]) out.type = kOpenApiTypes[out.type];
    if (node.nullable && out.type) out.type = [out.type, 'null'];
    return out;
  };
  const definitions = {};
  for (const [name, schema] of Object.entries(schemas)) definitions[name] = convert(schema, false);
  for (const base of discriminated) {
    const subtypes = Object.keys(schemas).filter(
        (n) => (schemas[n].allOf || []).some((s) => s.$ref === `#/components/schemas/${base}`));
    const prop = schemas[base].discriminator.propertyName;
    // Each subtype's schema applies when the discriminator names it, so errors are its own.
    definitions[`${base}__any`] = {
      allOf: [{$ref: `#/definitions/${base}`}, {properties: {[prop]: {enum: subtypes}}},
              ...subtypes.map((s) => ({
                if: {properties: {[prop]: {const: s}}, required: [prop]},
                then: {$ref: `#/definitions/${s}`},
              }))],
    };
  }
  const ajv = new Ajv7({allErrors: true, strict: false});
  addFormats(ajv);
  return ajv.compile({definitions, $ref: '#/definitions/ContentSyncDefinition__any'});
}
function checkSumo(file) {
  const fmt = 'sumo logic content export';
  format(fmt).files++;
  let content;
  try {
    content = JSON.parse(read(file));
  } catch (e) {
    return fail(fmt, file, `JSON: ${e.message}`);
  }
  const validate = sumoValidator();
  if (!validate(content)) for (const e of ajvErrors(validate)) fail(fmt, file, e);
}

// ---- Sumo Logic Cloud SIEM rules ----------------------------------------------------------
// The request bodies of the rules API (POST /sec/v1/rules/<type>, {"fields": {...}}), checked
// against the rule objects as the Sumo Logic Terraform provider's client sends them (its
// CSEMatchRule, CSEThresholdRule, CSEChainRule and CSEAggregationRule JSON fields) and the
// provider's documented constraints: the required arguments, window sizes T05M..T05D or CUSTOM
// with 60000..432000000 ms, severities 1..10, at most six aggregation functions of avg, count,
// count_distinct, first, last, max, min and sum.
// https://github.com/SumoLogic/terraform-provider-sumologic/tree/master/sumologic
const kCseCommon = ['name', 'enabled', 'entitySelectors', 'isPrototype', 'stream',
                    'summaryExpression', 'tags', 'suppressionWindowSize'];
const kCseWindow = ['windowSize', 'windowSizeName', 'windowSizeMilliseconds'];
const kCseFields = {
  match: [...kCseCommon, 'descriptionExpression', 'expression', 'nameExpression',
          'scoreMapping'],
  threshold: [...kCseCommon, ...kCseWindow, 'countDistinct', 'countField', 'description',
              'expression', 'groupByFields', 'limit', 'score', 'version'],
  chain: [...kCseCommon, ...kCseWindow, 'description', 'expressionsAndLimits', 'groupByFields',
          'ordered', 'score'],
  aggregation: [...kCseCommon, ...kCseWindow, 'aggregationFunctions', 'descriptionExpression',
                'groupByAsset', 'groupByFields', 'matchExpression', 'nameExpression',
                'scoreMapping', 'triggerExpression'],
};
const kCseRequired = {
  match: ['name', 'enabled', 'entitySelectors', 'expression', 'nameExpression',
          'descriptionExpression', 'scoreMapping'],
  threshold: ['name', 'description', 'enabled', 'entitySelectors', 'expression', 'limit',
              'score', 'windowSize'],
  chain: ['name', 'description', 'enabled', 'entitySelectors', 'expressionsAndLimits', 'score',
          'tags', 'windowSize'],
  aggregation: ['name', 'aggregationFunctions', 'descriptionExpression', 'enabled',
                'entitySelectors', 'matchExpression', 'nameExpression', 'scoreMapping', 'tags',
                'triggerExpression', 'windowSize'],
};
const kCseWindows = new Set(['T05M', 'T10M', 'T30M', 'T60M', 'T12H', 'T24H', 'T05D', 'CUSTOM']);
const kCseFunctions = new Set(['avg', 'count', 'count_distinct', 'first', 'last', 'max', 'min',
                               'sum']);
function checkSumoCse(type) {
  const fmt = 'sumo logic cloud siem rules';
  for (const file of list(`sumo-cse/${type}`, '.json')) {
    format(fmt).files++;
    let body;
    try {
      body = JSON.parse(read(file));
    } catch (e) {
      fail(fmt, file, `JSON: ${e.message}`);
      continue;
    }
    const keys = Object.keys(body);
    if (keys.length !== 1 || keys[0] !== 'fields') fail(fmt, file, 'the body is not {"fields": …}');
    const r = body.fields || {};
    for (const k of Object.keys(r)) {
      if (!kCseFields[type].includes(k)) fail(fmt, file, `${type} rules have no field ${k}`);
    }
    for (const k of kCseRequired[type]) {
      if (r[k] === undefined || r[k] === '') fail(fmt, file, `${k} is required`);
    }
    if (r.stream !== 'record') fail(fmt, file, `stream ${r.stream}`);
    if (!Array.isArray(r.entitySelectors) || !r.entitySelectors.length ||
        r.entitySelectors.some((e) => !/^_[a-z]+$/.test(e.entityType) || !e.expression)) {
      fail(fmt, file, 'entitySelectors: one or more {entityType, expression}');
    }
    for (const t of r.tags || []) {
      if (!/^_mitreAttack(Tactic:TA\d{4}|Technique:T\d{4}(\.\d{3})?)$/.test(t)) {
        fail(fmt, file, `tag ${t}`);
      }
    }
    const severity = type === 'match' || type === 'aggregation' ? (r.scoreMapping || {}).default
                                                                : r.score;
    if (!Number.isInteger(severity) || severity < 1 || severity > 10) {
      fail(fmt, file, `severity ${severity}`);
    }
    if (type !== 'match') {
      if (!kCseWindows.has(r.windowSize)) fail(fmt, file, `windowSize ${r.windowSize}`);
      const ms = Number(r.windowSizeMilliseconds);
      if (r.windowSize === 'CUSTOM' && !(ms >= 60000 && ms <= 432000000)) {
        fail(fmt, file, `windowSizeMilliseconds ${r.windowSizeMilliseconds}`);
      }
    }
    if (type === 'threshold' && !(Number.isInteger(r.limit) && r.limit >= 1)) {
      fail(fmt, file, `limit ${r.limit}`);
    }
    if (type === 'threshold' && r.countDistinct && !r.countField) {
      fail(fmt, file, 'countDistinct without countField');
    }
    if (type === 'chain' && (!Array.isArray(r.expressionsAndLimits) ||
                             !r.expressionsAndLimits.length ||
                             r.expressionsAndLimits.some((e) => !e.expression ||
                                                          !(Number.isInteger(e.limit) &&
                                                            e.limit >= 1)))) {
      fail(fmt, file, 'expressionsAndLimits: one or more {expression, limit >= 1}');
    }
    if (type === 'aggregation') {
      const fns = r.aggregationFunctions || [];
      if (!fns.length || fns.length > 6) fail(fmt, file, `${fns.length} aggregation functions`);
      for (const f of fns) {
        if (!kCseFunctions.has(f.function)) fail(fmt, file, `aggregation function ${f.function}`);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(f.name)) fail(fmt, file, `function name ${f.name}`);
        if (!Array.isArray(f.arguments) || !f.arguments.length) {
          fail(fmt, file, `function ${f.name} has no arguments`);
        }
      }
    }
  }
}

// ---- SARIF, the ATT&CK Navigator layer, the manifest ---------------------------------------
function checkNavigator(file) {
  const fmt = 'attack navigator layer 4.5';
  format(fmt).files++;
  let layer;
  try {
    layer = JSON.parse(read(file));
  } catch (e) {
    return fail(fmt, file, `JSON: ${e.message}`);
  }
  if (typeof layer.name !== 'string') fail(fmt, file, 'name is required');
  if (layer.domain !== 'enterprise-attack') fail(fmt, file, `domain ${layer.domain}`);
  if (!layer.versions || layer.versions.layer !== '4.5') fail(fmt, file, 'versions.layer 4.5');
  for (const t of layer.techniques || []) {
    if (!/^T\d{4}(\.\d{3})?$/.test(t.techniqueID)) fail(fmt, file, `techniqueID ${t.techniqueID}`);
    if (t.score !== undefined && typeof t.score !== 'number') fail(fmt, file, 'score not a number');
  }
}
function checkManifest(file) {
  const fmt = 'manifest';
  format(fmt).files++;
  const manifest = JSON.parse(read(file));
  for (const f of manifest.files || []) {
    if (!exists(f.path)) {
      fail(fmt, file, `lists missing ${f.path}`);
      continue;
    }
    const sha = crypto.createHash('sha256').update(fs.readFileSync(path.join(bundle, f.path)))
                    .digest('hex');
    if (sha !== f.sha256) fail(fmt, file, `sha256 of ${f.path} differs`);
  }
  return manifest;
}

// ---- the run -------------------------------------------------------------------------------
let manifest = null;
if (exists('manifest.json')) manifest = checkManifest('manifest.json');
for (const f of list('kql', '.yaml')) checkSentinelYaml(f);
for (const f of list('kql', '.json')) {
  if (path.basename(f).startsWith('watchlists')) {
    checkWatchlists(f);
  } else {
    checkArm(f);
  }
}
checkWatchlistsDeployed();
for (const [folder, type] of [['eql', 'eql'], ['esql', 'esql'], ['lucene', 'query']]) {
  for (const f of list(folder, '.ndjson')) checkElastic(f, type);
}
for (const f of list('spl', '.conf')) checkSplunk(f, manifest);
checkSplunkLookups('spl');
checkChronicle('yaral');
if (list('yaral', '.yaral').length) {
  fail('google secops rules (content manager)', 'yaral/', 'rule files outside yaral/rules/');
}
checkLogscale('cql');
checkLogscaleFiles('cql');
checkLookupIndices('esql');
checkQradarReferenceSets('aql');
for (const f of list('sumo', '.json')) checkSumo(f);
for (const f of list('sumo/lookup_tables', '.json')) checkSumo(f);
checkSumoLookupTables('sumo');
for (const type of Object.keys(kCseFields)) checkSumoCse(type);
if (exists('sumo-cse') && fs.readdirSync(path.join(bundle, 'sumo-cse')).some((d) => !kCseFields[d])) {
  fail('sumo logic cloud siem rules', 'sumo-cse/', 'a folder that is no rule type');
}
if (exists('attack-navigator-layer.json')) checkNavigator('attack-navigator-layer.json');

let total = 0;
for (const [name, r] of [...results.entries()].sort()) {
  console.log(`${name}: ${r.files} checked, ${r.errors.length} error(s)`);
  total += r.errors.length;
}
let shown = 0;
for (const [name, r] of results) {
  for (const [file, message] of r.errors) {
    if (shown++ >= maxErrors) break;
    console.log(`  ${file}: ${message} [${name}]`);
  }
}
process.exit(total ? 1 : 0);
