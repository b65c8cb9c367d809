// The only way this UI builds DOM. Text is always a text node (never parsed as HTML); attributes that
// could run code are refused: on* handlers, style (CSP forbids inline styles anyway), srcdoc, and any
// href/src/action that is not http(s) or a same-page "#fragment". Events are attached with `on`, which
// takes functions, never strings.

export type Child = Node | string | number | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined>;

const URL_ATTRS = new Set(["href", "src", "action", "formaction", "xlink:href", "poster", "data"]);
const FORBIDDEN_ATTRS = new Set(["style", "srcdoc", "innerhtml", "outerhtml"]);
const FORBIDDEN_TAGS = new Set(["script", "iframe", "object", "embed", "frame", "base", "meta", "link", "style"]);

export class UnsafeDomError extends Error {}

/** Is this an absolute http(s) URL? (What `open_url` in Rust also checks.) */
export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value.trim());
    return (u.protocol === "http:" || u.protocol === "https:") && u.host !== "";
  } catch {
    return false;
  }
}

function checkAttr(name: string, value: string): void {
  const n = name.toLowerCase();
  if (n.startsWith("on")) throw new UnsafeDomError(`refused event-handler attribute ${name}`);
  if (FORBIDDEN_ATTRS.has(n)) throw new UnsafeDomError(`refused attribute ${name}`);
  if (URL_ATTRS.has(n) && !(isHttpUrl(value) || /^#[\w-]*$/.test(value))) {
    throw new UnsafeDomError(`refused ${name} that is not http(s): ${value.slice(0, 40)}`);
  }
}

/** Create an element. Children strings become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  if (FORBIDDEN_TAGS.has(tag)) throw new UnsafeDomError(`refused element <${tag}>`);
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    const value = v === true ? "" : String(v);
    checkAttr(k, value);
    el.setAttribute(k, value);
  }
  append(el, ...children);
  return el;
}

/** Append children; strings and numbers as text nodes. */
export function append(el: Node, ...children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

/** Replace all children. */
export function replace(el: Node, ...children: (Child | Child[])[]): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, ...children);
}

/** Set an attribute through the same checks as `h`. */
export function setAttr(el: Element, name: string, value: string): void {
  checkAttr(name, value);
  el.setAttribute(name, value);
}

export function on<K extends keyof HTMLElementEventMap>(
  el: HTMLElement,
  type: K,
  fn: (e: HTMLElementEventMap[K]) => void,
): HTMLElement {
  el.addEventListener(type, fn);
  return el;
}
