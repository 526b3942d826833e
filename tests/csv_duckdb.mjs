// csv_duckdb.mjs - print CSV files as DuckDB's read_csv reads them: a JSON list with,
// for each file, its rows (the header first), every cell as text ('' for an empty
// field). Run from a folder where npm installed @duckdb/node-api (tests/csv_load.py
// copies it there).
import { DuckDBInstance } from '@duckdb/node-api';

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const tables = [];
for (const file of process.argv.slice(2)) {
    const path = file.replaceAll("'", "''");
    const reader = await con.runAndReadAll(
        `SELECT * FROM read_csv('${path}', header=true, all_varchar=true, delim=',', quote='"', escape='"')`);
    const rows = [reader.columnNames()];
    for (const r of reader.getRows())
        rows.push(r.map(v => (v === null ? '' : String(v))));
    tables.push(rows);
}
console.log(JSON.stringify(tables));
