// A JSON editor over a textarea, driven by the operation's model (from /console/api/schema):
// Ctrl+Space (or the "Suggest" button) offers the members allowed where the cursor is, and
// every edit is checked by the API's own validator (/console/api/validate), whose messages
// name the failing field paths.
import { get, send, type ApiErrorBody } from './api.js';
import { h, mount } from './dom.js';

interface ClientShape {
  type: string;
  members?: Record<string, string>;
  required?: string[];
  member?: string;
  value?: string;
  enum?: string[];
  union?: boolean;
}
interface Schema {
  root: string;
  shapes: Record<string, ClientShape>;
}

interface Frame {
  kind: 'object' | 'array';
  key: string | undefined;
  keys: Set<string>;
}

/** The containers enclosing `offset`, outermost first, with the keys already present in each object. */
export function framesAt(text: string, offset: number): Frame[] {
  const stack: Frame[] = [];
  let lastString: string | undefined;
  let pendingKey: string | undefined;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      let str = '';
      while (j < text.length && j < offset && text[j] !== '"') {
        if (text[j] === '\\') j++;
        str += text[j] ?? '';
        j++;
      }
      lastString = str;
      i = j;
      continue;
    }
    if (c === ':') {
      pendingKey = lastString;
      const top = stack.at(-1);
      if (top?.kind === 'object' && lastString !== undefined) top.keys.add(lastString);
      continue;
    }
    if (c === '{' || c === '[') {
      stack.push({ kind: c === '{' ? 'object' : 'array', key: pendingKey, keys: new Set() });
      pendingKey = undefined;
      continue;
    }
    if (c === '}' || c === ']') {
      stack.pop();
      pendingKey = undefined;
      continue;
    }
    if (c === ',') pendingKey = undefined;
  }
  return stack;
}

/** Keys of the object around `offset` that come after it (up to that object's closing brace). */
export function keysAfter(text: string, offset: number): string[] {
  const out: string[] = [];
  let depth = 0;
  for (let i = offset; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      let str = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') j++;
        str += text[j] ?? '';
        j++;
      }
      let k = j + 1;
      while (k < text.length && /\s/.test(text[k]!)) k++;
      if (depth === 0 && text[k] === ':') out.push(str);
      i = j;
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) break;
      depth--;
    }
  }
  return out;
}

export function shapeAt(schema: Schema, frames: Frame[]): ClientShape | undefined {
  let shape = schema.shapes[schema.root];
  for (let i = 1; i < frames.length && shape; i++) {
    const f = frames[i]!;
    const parent = frames[i - 1]!;
    if (parent.kind === 'array') shape = shape.member ? schema.shapes[shape.member] : undefined;
    else {
      const ref =
        f.key !== undefined && shape.members && Object.hasOwn(shape.members, f.key)
          ? shape.members[f.key]
          : shape.value;
      shape = ref ? schema.shapes[ref] : undefined;
    }
  }
  if (frames.at(-1)?.kind === 'array' && shape?.member) shape = schema.shapes[shape.member];
  return shape;
}

export async function jsonEditor(initial: string, operation: () => string) {
  let schema = await get<Schema>(`schema/${operation()}`);
  const area = h('textarea', {
    id: 'json',
    class: 'json-edit',
    rows: 22,
    spellcheck: 'false',
    'aria-describedby': 'json-help json-errors',
    'aria-label': 'Request JSON',
  });
  area.value = initial;
  const errors = h('div', { id: 'json-errors', class: 'result', 'aria-live': 'polite' });
  const suggestions = h('div', { class: 'suggestions', role: 'group', 'aria-label': 'Suggested fields' });
  let timer: number | undefined;

  const parsed = (): Record<string, unknown> | undefined => {
    try {
      const v: unknown = JSON.parse(area.value);
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch (e) {
      errors.className = 'result bad';
      mount(errors, `Not valid JSON: ${(e as Error).message}`);
      return undefined;
    }
  };

  const validate = async () => {
    const input = parsed();
    if (!input) return;
    const r = await send<{ ok: boolean; error?: ApiErrorBody }>('POST', 'validate', { operation: operation(), input });
    if (r.ok) {
      errors.className = 'result ok';
      mount(errors, 'Valid for the API, and allowed for you.');
      return;
    }
    errors.className = `result ${r.error!.denied ? 'denied' : 'bad'}`;
    mount(errors, h('strong', {}, r.error!.denied ? 'Access denied: ' : `${r.error!.code}: `), r.error!.message);
  };

  const insert = (text: string) => {
    const at = area.selectionStart;
    area.setRangeText(text, at, area.selectionEnd, 'end');
    area.focus();
    schedule();
  };

  const suggest = () => {
    const frames = framesAt(area.value, area.selectionStart);
    const shape = shapeAt(schema, frames);
    const present = new Set([...(frames.at(-1)?.keys ?? []), ...keysAfter(area.value, area.selectionStart)]);
    const buttons: HTMLElement[] = [];
    if (shape?.members && frames.at(-1)?.kind === 'object') {
      for (const [m, ref] of Object.entries(shape.members)) {
        if (present.has(m)) continue;
        const t = schema.shapes[ref]?.type ?? '';
        const skeleton =
          t === 'structure' ? '{}' : t === 'list' ? '[]' : t === 'string' ? '""' : t === 'boolean' ? 'false' : '0';
        const req = shape.required?.includes(m) ? ' (required)' : '';
        buttons.push(h('button', { type: 'button', onclick: () => insert(`"${m}": ${skeleton}`) }, `${m}: ${t}${req}`));
      }
    }
    if (shape?.enum)
      for (const v of shape.enum) buttons.push(h('button', { type: 'button', onclick: () => insert(`"${v}"`) }, v));
    mount(suggestions, buttons.length ? buttons : h('span', {}, 'No suggestions here.'));
    (buttons[0] as HTMLButtonElement | undefined)?.focus();
  };

  const schedule = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void validate(), 300);
  };
  area.addEventListener('input', schedule);
  area.addEventListener('keydown', (e) => {
    if (e.key === ' ' && e.ctrlKey) {
      e.preventDefault();
      suggest();
    }
  });
  const element = h(
    'div',
    { class: 'editor' },
    h(
      'p',
      { id: 'json-help', class: 'note' },
      'The request as the API takes it. Ctrl+Space suggests the fields allowed at the cursor; the API checks it as you type. Tab leaves the editor.',
    ),
    area,
    h('button', { type: 'button', onclick: suggest }, 'Suggest fields'),
    suggestions,
    errors,
  );
  schedule();
  return {
    element,
    value: parsed,
    async setOperation(op: string) {
      schema = await get<Schema>(`schema/${op}`);
      schedule();
      void operation;
    },
  };
}
