// Parses AsyncAPI documents with @asyncapi/parser (plus its Avro and Protobuf schema parsers)
// and prints, for each file named on the command line, its diagnostics as JSON:
// {"<file>": [{"severity": "error", "code": "...", "message": "...", "path": [...]}]}.
import { readFile } from "node:fs/promises";
import { Parser } from "@asyncapi/parser";
import { AvroSchemaParser } from "@asyncapi/avro-schema-parser";
import { ProtoBuffSchemaParser } from "@asyncapi/protobuf-schema-parser";

const SEVERITIES = ["error", "warning", "information", "hint"];

const parser = new Parser();
parser.registerSchemaParser(AvroSchemaParser());
parser.registerSchemaParser(ProtoBuffSchemaParser());

const results = {};
for (const file of process.argv.slice(2)) {
  const text = await readFile(file, "utf8");
  const { document, diagnostics } = await parser.parse(text);
  results[file] = {
    parsed: document !== undefined,
    diagnostics: diagnostics.map((d) => ({
      severity: SEVERITIES[d.severity] ?? String(d.severity),
      code: String(d.code),
      message: d.message,
      path: d.path,
    })),
  };
}
process.stdout.write(JSON.stringify(results));
