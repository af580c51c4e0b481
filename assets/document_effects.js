// What the page does to the document beyond its own content, driven by the state without running code
// sent from the server: the portal runs under a Content-Security-Policy without 'unsafe-eval'.
import { useEffect } from "react";

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
