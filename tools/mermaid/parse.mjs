// Parses Mermaid text with Mermaid's own parser, in node without a browser: exit 0 if every input parses.
// Usage: node parse.mjs FILE...   (or "-" for stdin). Prints "ok <name> <diagram type>" or the parser's error.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

// Mermaid sanitizes labels with DOMPurify, which needs a DOM: jsdom's window stands in for the browser's.
const { window } = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = window;
globalThis.document = window.document;
globalThis.DOMParser = window.DOMParser;
globalThis.Element = window.Element;

const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

let failed = 0;
for (const name of process.argv.slice(2)) {
  const text = readFileSync(name === "-" ? 0 : name, "utf8");
  try {
    const result = await mermaid.parse(text);
    console.log(`ok ${name} ${result.diagramType}`);
  } catch (error) {
    failed += 1;
    console.log(`error ${name}: ${String(error.message ?? error).split("\n").join("\n  ")}`);
  }
}
process.exit(failed ? 1 : 0);
