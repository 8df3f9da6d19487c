// YAML documents as plain JSON values, with CloudFormation's short-form intrinsics
// (`!Ref x`, `!GetAtt a.b`, `!Sub …`, …) expanded to their long form ({"Ref": "x"} …).
// Anchors and aliases are refused: CloudFormation does not accept them, and an alias bomb
// is the classic way to make a small YAML file expand without bound.
import { parseAllDocuments, type CollectionTag, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';
import { errorMessage } from '../../runtime/guards.js';
import { SourceError } from '../shapes.js';

const FUNCTIONS = [
  'And',
  'Base64',
  'Cidr',
  'Contains',
  'EachMemberEquals',
  'EachMemberIn',
  'Equals',
  'FindInMap',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Length',
  'Not',
  'Or',
  'RefAll',
  'Select',
  'Split',
  'Sub',
  'ToJsonString',
  'Transform',
  'ValueOf',
  'ValueOfAll',
];

function longForm(name: string, value: unknown): Record<string, unknown> {
  return { [name]: value };
}

function tagsFor(
  tag: string,
  key: string,
  scalarValue: (s: string) => unknown = (s) => s,
): (ScalarTag | CollectionTag)[] {
  return [
    { tag, resolve: (s: string) => longForm(key, scalarValue(s)) },
    { tag, collection: 'seq', resolve: (v: YAMLMap.Parsed | YAMLSeq.Parsed) => longForm(key, v.toJSON()) },
    { tag, collection: 'map', resolve: (v: YAMLMap.Parsed | YAMLSeq.Parsed) => longForm(key, v.toJSON()) },
  ];
}

const CUSTOM_TAGS: (ScalarTag | CollectionTag)[] = [
  ...tagsFor('!Ref', 'Ref'),
  ...tagsFor('!Condition', 'Condition'),
  // The string form splits at the first dot only: attribute names may contain dots.
  ...tagsFor('!GetAtt', 'Fn::GetAtt', (s) => {
    const dot = s.indexOf('.');
    return dot < 0 ? [s] : [s.slice(0, dot), s.slice(dot + 1)];
  }),
  ...FUNCTIONS.flatMap((f) => tagsFor(`!${f}`, `Fn::${f}`)),
];

export const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

/** Every document of a YAML (or JSON) text. */
export function parseYamlDocuments(text: string, file: string): unknown[] {
  const docs = parseAllDocuments(text, { customTags: CUSTOM_TAGS, uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: unknown[] = [];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) throw new SourceError(`${file}: ${err.message.split('\n')[0]}`);
    try {
      // maxAliasCount 0: any alias is an error.
      out.push(doc.toJS({ maxAliasCount: 0 }));
    } catch (e) {
      throw new SourceError(`${file}: ${errorMessage(e)} (anchors and aliases are not accepted)`);
    }
  }
  return out.filter((d) => d !== null && d !== undefined);
}
