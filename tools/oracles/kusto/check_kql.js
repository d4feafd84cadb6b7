#!/usr/bin/env node
// Checks KQL with Microsoft's Kusto.Language (the parser and analyzer of the Sentinel editor)
// against the table schemas in schemas.js.
//
//   node check_kql.js [--report] [--warnings STDERR] [--depth-ok] [--files-from LIST] FILE...
//
// Each FILE holds one query; text from the first refract diagnostic line on is ignored (golden
// files keep diagnostics after the query). A query over a custom-log table (`*_CL`, the name
// refract gives a log source with no mapping) that schemas.js does not declare is checked for
// syntax only. Prints one line per failing
// query and `N passed, N failed`; exits 1 when any query has an error. With --report, counts the
// diagnostics by code (syntax errors and analysis errors separately) and fails only on syntax
// errors: for the corpus, where many rules name columns no table has. With --warnings (refract's
// stderr of the run that wrote FILE...), every unknown-column error (KS142) must match a refract
// warning W0402 for the same rule file and column; unmatched ones fail the run, matched ones do
// not (the user was told), and warnings that Kusto.Language does not confirm are counted.
'use strict';
const fs = require('fs');
const path = require('path');

const pkg = path.join(__dirname, 'node_modules', '@kusto', 'language-service-next');
global.Bridge = require(path.join(pkg, 'bridge.min.js'));
require(path.join(pkg, 'Kusto.Language.Bridge.min.js'));
const K = global.Kusto.Language;

const schemas = require('./schemas.js');
const tables = Object.entries(schemas).map(([name, columns]) =>
  new K.Symbols.TableSymbol.$ctor7(name, '(' + columns.join(', ') + ')', null));
const globals = K.GlobalState.Default.WithDatabase(new K.Symbols.DatabaseSymbol.ctor('db', tables));

// Sentinel's _GetWatchlist(alias) function, which the workspace defines: its columns as
// https://learn.microsoft.com/azure/sentinel/watchlists-queries lists them (the CSV's own
// columns are in WatchlistItem).
const kGetWatchlist =
  'let _GetWatchlist = (watchlistAlias: string) { datatable(_DTItemId: string, ' +
  'LastUpdatedTimeUTC: datetime, SearchKey: string, WatchlistItem: dynamic)[] };\n';

const diagnosticLine = /^[^\s].*:\d+:\d+: (error|warning)\[[A-Z0-9]+\]/;

function splitFile(text) {
  const lines = text.split('\n');
  const cut = lines.findIndex((l) => diagnosticLine.test(l));
  const query = (cut < 0 ? lines : lines.slice(0, cut)).join('\n').trim();
  const table = query.split('\n')[0].trim();
  return {
    query: /\b_GetWatchlist\(/.test(query) ? kGetWatchlist + query : query,
    customTable: /_CL$/.test(table) && !(table in schemas),
  };
}

function errors(diagnostics) {
  const out = [];
  for (let i = 0; i < diagnostics.Count; i++) {
    const d = diagnostics.getItem(i);
    if (d.Severity === 'Error') out.push({ code: d.Code, message: d.Message, start: d.Start });
  }
  return out;
}

// (rule file stem, column head) pairs that refract warned about: W0402 names the column, and a
// dotted column (a path into a dynamic value) is unknown by its first name.
function readWarnings(file) {
  const warned = new Set();
  const line = /^(.*?):\d+:\d+: (?:warning|error)\[(?:W0402|E0401)\]: .*?'([^']*)'\)? is not a column of kql table '[^']*'$/;
  for (const text of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = line.exec(text);
    if (!m) continue;
    const stem = path.basename(m[1]).replace(/\.ya?ml$/, '');
    warned.add(`${stem}\t${m[2].split('.')[0]}`);
  }
  return warned;
}

// The rule file stem of an output file: translate -o names it after the rule file, with "-N"
// for the Nth document of a file holding several.
function stemOf(file) {
  return path.basename(file).replace(/\.kql$/, '');
}

const args = process.argv.slice(2);
const report = args.includes('--report');
// KS245 is the analyzer's own nesting limit, met by rules with hundreds of alternatives: the
// query parses, it is only not analysed (docs/oracles.md).
const depthOk = args.includes('--depth-ok');
const files = [];
let warned = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--report' || args[i] === '--depth-ok') continue;
  if (args[i] === '--warnings') {
    warned = readWarnings(args[++i]);
    continue;
  }
  if (args[i] === '--files-from') {
    files.push(...fs.readFileSync(args[++i], 'utf8').split('\n').filter(Boolean));
    continue;
  }
  files.push(args[i]);
}
let passed = 0;
let failed = 0;
let analysed = 0;
let withAnalysisErrors = 0;
const syntaxCounts = {};
const semanticCounts = {};
const examples = {};
const unwarned = [];
const confirmed = new Set();
const unknownName = /^The name '([^']*)' does not refer to any known column/;
for (const file of files) {
  const { query, customTable } = splitFile(fs.readFileSync(file, 'utf8'));
  if (!query) continue;
  const syntax = errors(K.KustoCode.Parse(query).GetDiagnostics());
  const semantic = syntax.length || customTable ? [] :
    errors(K.KustoCode.ParseAndAnalyze(query, globals).GetDiagnostics());
  for (const e of syntax) syntaxCounts[e.code] = (syntaxCounts[e.code] || 0) + 1;
  if (!syntax.length && !customTable) analysed++;
  if (semantic.length) withAnalysisErrors++;
  const excused = new Set();  // unknown columns refract warned about: not failures here
  for (const e of semantic) {
    const name = e.code === 'KS142' ? unknownName.exec(e.message) : null;
    if (warned && name) {
      const stem = stemOf(file);
      const key = [stem, stem.replace(/-\d+$/, '')].map((s) => `${s}\t${name[1]}`).find((k) => warned.has(k));
      if (key) {
        confirmed.add(key);
        excused.add(e);
      } else {
        unwarned.push(`${file}: ${name[1]}`);
      }
    }
    semanticCounts[e.code] = (semanticCounts[e.code] || 0) + 1;
    examples[e.code] = examples[e.code] || `${file}: ${e.message}`;
  }
  // An operator on an unknown column then fails for want of a type (KS107): the same defect.
  if (excused.size) for (const e of semantic) if (e.code === 'KS107') excused.add(e);
  if (depthOk) for (const e of semantic) if (e.code === 'KS245') excused.add(e);
  const bad = report ? syntax : syntax.concat(semantic.filter((e) => !excused.has(e)));
  if (bad.length) {
    failed++;
    console.log(`FAIL ${file}: ${bad.map((e) => `${e.code} ${e.message}`).join('; ')}`);
  } else {
    passed++;
  }
}
if (report) {
  console.log(`${files.length} queries; ${analysed} analysed against the schemas, ` +
              `${withAnalysisErrors} of them with analysis errors`);
  console.log('syntax errors by code:', JSON.stringify(syntaxCounts));
  console.log('analysis errors by code:', JSON.stringify(semanticCounts));
  for (const [code, example] of Object.entries(examples)) console.log(`  ${code} e.g. ${example}`);
}
if (warned) {
  console.log(`unknown-column errors without a refract warning: ${unwarned.length}`);
  for (const u of unwarned.slice(0, 20)) console.log(`  ${u}`);
  console.log(`refract column warnings: ${warned.size}, ${confirmed.size} of them confirmed by ` +
              'Kusto.Language');
  for (const w of [...warned].filter((k) => !confirmed.has(k)).slice(0, 5)) {
    console.log(`  not confirmed: ${w.replace('\t', ': ')}`);
  }
  if (unwarned.length) failed++;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
