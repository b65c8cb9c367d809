// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { h, isHttpUrl, replace, setAttr, UnsafeDomError } from "../../src/dom";

describe("dom helper", () => {
  it("renders hostile strings as text, never as markup", () => {
    const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
    const el = h("div", {}, hostile, h("b", {}, "<i>x</i>"));
    expect(el.querySelector("img")).toBeNull();
    expect(el.querySelector("script")).toBeNull();
    expect(el.querySelector("i")).toBeNull();
    expect(el.textContent).toBe(`${hostile}<i>x</i>`);
  });

  it("refuses event-handler attributes in any case", () => {
    for (const a of ["onclick", "ONERROR", "onMouseOver", "onfocus"]) {
      expect(() => h("div", { [a]: "alert(1)" })).toThrow(UnsafeDomError);
    }
  });

  it("refuses non-http links and sources", () => {
    for (const href of ["javascript:alert(1)", " JavaScript:alert(1)", "jav\tascript:alert(1)", "data:text/html,<script>", "vbscript:x", "file:///etc/passwd", "/relative", "//evil.example"]) {
      expect(() => h("a", { href }), href).toThrow(UnsafeDomError);
    }
    expect(() => h("img" as "a", { src: "javascript:x" })).toThrow(UnsafeDomError);
    const a = h("a", { href: "https://status.example.com/incidents/1" }, "ok");
    expect(a.getAttribute("href")).toBe("https://status.example.com/incidents/1");
    expect(h("a", { href: "#panel-now" }).getAttribute("href")).toBe("#panel-now");
  });

  it("refuses dangerous elements and attributes", () => {
    for (const tag of ["script", "iframe", "object", "embed", "style", "base"]) {
      expect(() => h(tag as "div")).toThrow(UnsafeDomError);
    }
    expect(() => h("div", { style: "color:red" })).toThrow(UnsafeDomError);
    expect(() => h("iframe" as "div", { srcdoc: "<script>" })).toThrow(UnsafeDomError);
    const d = h("div");
    expect(() => setAttr(d, "onload", "x")).toThrow(UnsafeDomError);
    expect(() => setAttr(d, "href", "javascript:x")).toThrow(UnsafeDomError);
  });

  it("skips null/false attributes and children, and replaces children", () => {
    const el = h("input", { type: "checkbox", checked: false, disabled: true, title: null });
    expect(el.hasAttribute("checked")).toBe(false);
    expect(el.hasAttribute("disabled")).toBe(true);
    expect(el.hasAttribute("title")).toBe(false);
    const p = h("p", {}, "a", null, false, undefined, 3);
    expect(p.textContent).toBe("a3");
    replace(p, "b");
    expect(p.textContent).toBe("b");
  });

  it("knows http(s) URLs", () => {
    expect(isHttpUrl("http://127.0.0.1:8080/x")).toBe(true);
    expect(isHttpUrl("https://x.y")).toBe(true);
    expect(isHttpUrl("javascript:alert(1)")).toBe(false);
    expect(isHttpUrl("not a url")).toBe(false);
  });
});
