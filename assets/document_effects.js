// What the page does to the document beyond its own content, driven by the state without running code
// sent from the server: the portal runs under a Content-Security-Policy without 'unsafe-eval'.
import { createElement, useEffect, useRef } from "react";

// The page's language and title, for the browser tab and screen readers, in the chosen language.
export function DocumentLanguage({ lang, title }) {
  useEffect(() => {
    if (lang) document.documentElement.lang = lang;
  }, [lang]);
  useEffect(() => {
    if (title) document.title = title;
  }, [title]);
  return null;
}

// A full page load of `href` once per `request`: the next page then connects with the browser's current
// cookies. The request is remembered for the tab, so the page that loads does not load itself again.
export function FullPageLoad({ href, request }) {
  useEffect(() => {
    if (!href || !request) return;
    const key = "homecare.page-load";
    if (window.sessionStorage.getItem(key) === request) return;
    window.sessionStorage.setItem(key, request);
    window.location.assign(href);
  }, [href, request]);
  return null;
}

// Move the focus to the element `target` each time `request` changes, once the page shows it (after a
// step of a form or a dialog), so that a screen reader goes on reading there.
export function FocusRequest({ target, request }) {
  useEffect(() => {
    if (!target || !request) return;
    const timer = window.setTimeout(() => document.getElementById(target)?.focus(), 50);
    return () => window.clearTimeout(timer);
  }, [target, request]);
  return null;
}

// What a person types into the form around it is kept in the tab (sessionStorage) until the message is sent:
// a page that reconnects or is loaded again after the server restarted gets the text back. `storageKey`
// names the form for this login and person (the server derives it; it holds no id); `version` is the form's
// number now and `sentVersion` the number of the last form the server took, so a sent text never returns.
export function KeepDraft({ storageKey, version, sentVersion }) {
  const marker = useRef(null);
  useEffect(() => {
    const form = marker.current?.closest("form");
    if (!form || !storageKey || !version) return;
    const key = "homecare.draft." + storageKey;
    const fields = () =>
      Array.from(form.elements).filter(
        (field) => field.name && (field.tagName === "TEXTAREA" || (field.tagName === "INPUT" && field.type === "text")),
      );
    let saved = null;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(key) || "null");
    } catch {
      saved = null;
    }
    if (saved && saved.version > sentVersion) {
      for (const field of fields()) {
        const value = saved.values?.[field.name];
        if (typeof value === "string" && value && !field.value) typeInto(field, value);
      }
    } else if (saved) {
      window.sessionStorage.removeItem(key);
    }
    const save = () => {
      const values = {};
      for (const field of fields()) values[field.name] = field.value;
      if (Object.values(values).some((value) => value)) {
        window.sessionStorage.setItem(key, JSON.stringify({ version, values }));
      } else {
        window.sessionStorage.removeItem(key);
      }
    };
    form.addEventListener("input", save);
    return () => form.removeEventListener("input", save);
  }, [storageKey, version, sentVersion]);
  return createElement("span", { ref: marker, hidden: true });
}

// Put text into a field as typing would, so that React (and the field's character counter) sees it.
function typeInto(field, value) {
  const prototype = Object.getPrototypeOf(field);
  Object.getOwnPropertyDescriptor(prototype, "value").set.call(field, value);
  field.dispatchEvent(new Event("input", { bubbles: true }));
}
