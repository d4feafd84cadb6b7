// Column names and types of the tables refract's KQL mapping profiles declare, read from the
// `columns` sections of backends/mappings/kql.yaml and kql_*.yaml (Microsoft's table references
// are cited there). One list serves both: refract warns (W0402) when a query names a column
// outside it, and Kusto.Language then checks that every query compiles against it, so an
// unknown-column error that refract did not warn about is a defect of refract's check or of the
// queries it writes. A table that two profiles declare has the columns of both.
'use strict';
const fs = require('fs');
const path = require('path');

const mappings = path.join(__dirname, '..', '..', '..', 'backends', 'mappings');

function tokens(line) {
  return line.trim().split(/\s+/).map((t) => (t.includes(':') ? t : `${t}:string`));
}

// The section's shapes are fixed: "  Table: >-" and then indented lines of `name[:type]` tokens;
// "  _group: &anchor >-" for a group of columns that tables share; and "  Table:" followed by a
// list whose items are "- *anchor" or "- >-" with the tokens indented below.
function readColumns(file, text, tables) {
  const lines = text.split('\n');
  const start = lines.indexOf('columns:');
  if (start < 0) return;
  const groups = {};
  let current = null;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === '' || /^\S/.test(line)) break;
    let m;
    if ((m = /^  (_[A-Za-z0-9_]+): &([A-Za-z0-9_]+) >-$/.exec(line))) {
      current = groups[m[2]] = [];
    } else if ((m = /^  ([A-Za-z0-9_]+):( >-)?$/.exec(line))) {
      current = tables[m[1]] = tables[m[1]] || [];
    } else if ((m = /^    - \*([A-Za-z0-9_]+)$/.exec(line)) && current) {
      if (!groups[m[1]]) throw new Error(`${file}:${i + 1}: unknown group *${m[1]}`);
      current.push(...groups[m[1]]);
    } else if (/^    - >-$/.test(line) && current) {
      continue;
    } else if (/^    \S/.test(line) && current) {
      current.push(...tokens(line.replace(/^    - /, '')));
    } else if (/^      \S/.test(line) && current) {
      current.push(...tokens(line));
    } else if (!/^\s*#/.test(line)) {
      throw new Error(`${file}:${i + 1}: unexpected line in the columns section`);
    }
  }
}

function readAll() {
  const tables = {};
  const files = fs.readdirSync(mappings).filter((f) => /^kql(_[a-z0-9_]+)?\.yaml$/.test(f)).sort();
  for (const f of files) {
    const file = path.join(mappings, f);
    readColumns(file, fs.readFileSync(file, 'utf8'), tables);
  }
  for (const [name, columns] of Object.entries(tables)) {
    const seen = new Set();
    tables[name] = columns.filter((c) => {
      const column = c.split(':')[0];
      if (seen.has(column)) return false;
      seen.add(column);
      return true;
    });
  }
  return tables;
}

module.exports = readAll();
