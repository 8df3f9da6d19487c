// Reads import sources (files, or directories walked for .json/.yaml/.yml/.template files),
// detects each file's format unless one is given, and returns what they declare.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { isRecord } from '../../runtime/guards.js';
import { keyOf, type SourceResult } from '../resources.js';
import { SourceError } from '../shapes.js';
import { isCliJson, isExport, readCliJson, readExport } from './api-json.js';
import {
  type CfnOptions,
  type Exports,
  hasResourcesSection,
  isCloudFormation,
  prepareCloudFormation,
} from './cloudformation.js';
import { isKubernetes, readKubernetes } from './kubernetes.js';
import { MAX_SOURCE_BYTES, parseYamlDocuments } from './yaml.js';

export const FORMATS = ['cloudformation', 'k8s', 'cli-json', 'appmeshd'] as const;
export type Format = (typeof FORMATS)[number];
export const isFormat = (v: string): v is Format => FORMATS.some((f) => f === v);

const EXTENSIONS = new Set(['.json', '.yaml', '.yml', '.template']);
const MAX_FILES = 10_000;

/** The files to read; `explicit` when named on the command line rather than found in a directory. */
export function listSourceFiles(paths: string[]): { file: string; explicit: boolean }[] {
  const files: { file: string; explicit: boolean }[] = [];
  const walk = (p: string, top: boolean) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const entry of readdirSync(p).sort()) {
        if (!entry.startsWith('.')) walk(join(p, entry), false);
      }
    } else if (top || (st.isFile() && EXTENSIONS.has(extname(p).toLowerCase()))) {
      if (files.length >= MAX_FILES) throw new SourceError(`more than ${MAX_FILES} source files`);
      files.push({ file: p, explicit: top });
    }
  };
  for (const p of paths) walk(p, true);
  return files;
}

/** JSON first (one value, or several concatenated as `aws … >> file` makes them), else YAML. */
function parse(text: string, file: string): unknown[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return [JSON.parse(text)];
    } catch {
      const many = splitConcatenatedJson(text);
      if (many) return many;
    }
  }
  return parseYamlDocuments(text, file);
}

function splitConcatenatedJson(text: string): unknown[] | undefined {
  const out: unknown[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth++ === 0) start = i;
    } else if (c === '}' || c === ']') {
      if (--depth === 0) {
        try {
          out.push(JSON.parse(text.slice(start, i + 1)));
        } catch {
          return undefined;
        }
      }
      if (depth < 0) return undefined;
    } else if (depth === 0 && !/\s/.test(c)) return undefined;
  }
  return depth === 0 && out.length > 1 ? out : undefined;
}

function detect(docs: unknown[], _file: string): Format | undefined {
  const first = docs[0];
  if (docs.length === 1 && isExport(first)) return 'appmeshd';
  if (docs.length === 1 && isCloudFormation(first)) return 'cloudformation';
  if (docs.every(isKubernetes)) return 'k8s';
  if (docs.every(isCliJson)) return 'cli-json';
  return undefined;
}

export function readSources(paths: string[], format: Format | undefined, cfn: CfnOptions): SourceResult {
  const out: SourceResult = { resources: [], skipped: [] };
  const k8sDocs: { doc: unknown; file: string }[] = [];
  // Templates are read after every file was seen: one may import what another exports.
  const templates: (() => SourceResult)[] = [];
  const exports: Exports = new Map();
  for (const { file, explicit } of listSourceFiles(paths)) {
    if (statSync(file).size > MAX_SOURCE_BYTES) throw new SourceError(`${file}: larger than ${MAX_SOURCE_BYTES} bytes`);
    let docs: unknown[];
    try {
      docs = parse(readFileSync(file, 'utf8'), file);
    } catch (err) {
      // A directory may hold other files (a cdk.out has manifests and asset lists): those are listed, not fatal.
      if (explicit || format || !(err instanceof SourceError)) throw err;
      out.skipped.push({ origin: file, type: 'file', reason: `not readable as JSON or YAML: ${err.message}` });
      continue;
    }
    if (docs.length === 0) continue;
    const f = format ?? detect(docs, file);
    if (!f) {
      if (explicit)
        throw new SourceError(
          `${file}: cannot tell the format (not a CloudFormation template, Kubernetes manifests, describe-* output or an appmeshd export); pass --format`,
        );
      out.skipped.push({
        origin: file,
        type: 'file',
        reason: 'not a CloudFormation template, Kubernetes manifests, describe-* output or an appmeshd export',
      });
      continue;
    }
    const expectOne = (what: string) => {
      const [doc] = docs;
      if (docs.length !== 1 || !isRecord(doc)) throw new SourceError(`${file}: expected one ${what} document`);
      return doc;
    };
    let part: SourceResult;
    switch (f) {
      case 'cloudformation': {
        const template = expectOne('CloudFormation template');
        if (!hasResourcesSection(template)) throw new SourceError(`${file}: a template needs a Resources section`);
        if (template.Transform !== undefined)
          throw new SourceError(
            `${file}: templates with a Transform (SAM, macros, language extensions) must be processed first`,
          );
        templates.push(prepareCloudFormation(file, template, stackNameOf(file), cfn, exports));
        continue;
      }
      case 'k8s':
        k8sDocs.push(...docs.map((doc) => ({ doc, file })));
        continue;
      case 'cli-json':
        part = readCliJson(docs, file);
        break;
      case 'appmeshd':
        part = readExport(expectOne('export'), file);
        break;
    }
    out.resources.push(...part.resources);
    out.skipped.push(...part.skipped);
  }
  for (const read of templates) {
    const part = read();
    out.resources.push(...part.resources);
    out.skipped.push(...part.skipped);
  }
  // Kubernetes objects refer to each other across files (a mesh in one, its nodes in another).
  if (k8sDocs.length) {
    const part = readKubernetes(k8sDocs);
    out.resources.push(...part.resources);
    out.skipped.push(...part.skipped);
  }
  const seen = new Map<string, string>();
  for (const r of out.resources) {
    const k = keyOf(r);
    const before = seen.get(k);
    if (before) throw new SourceError(`${r.origin}: declares the same ${r.kind} as ${before}`);
    seen.set(k, r.origin);
  }
  return out;
}

/** CloudFormation stack name used for invented names: the template file name (`cdk.out/ColorStack.template.json` → ColorStack). */
export function stackNameOf(file: string): string {
  return (
    basename(file)
      .replace(/\.(template\.)?(json|ya?ml|template)$/i, '')
      .replace(/[^A-Za-z0-9-]/g, '-') || 'stack'
  );
}
