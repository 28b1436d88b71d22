// The change form's comments: the passage selected in the body becomes the new
// comment's target, comment actions are sent without leaving the page (the
// writer's unsaved text stays in the form), and the live preview marks the
// passages that have open comments. Without this script every action still
// works as a plain form post.
(() => {
  "use strict";

  const body = () => document.getElementById("id_body");
  const panel = () => document.getElementById("comments");

  // The paragraph (1-based, blocks between blank lines) holding offset `at` of `text`.
  function paragraphAt(text, at) {
    let number = 0;
    let position = 0;
    for (const block of text.replace(/\r\n/g, "\n").split("\n\n")) {
      if (block.trim()) {
        number += 1;
      }
      position += block.length + 2;
      if (at < position) {
        return block.trim() ? number : null;
      }
    }
    return null;
  }

  function showSelection() {
    const editor = body();
    const target = panel();
    if (!editor || !target) {
      return;
    }
    const quote = target.querySelector('input[name="quote"]');
    const hint = target.querySelector('input[name="hint"]');
    const shown = target.querySelector(".comment-selection");
    const field = target.querySelector('select[name="field"]');
    const paragraph = target.querySelector('input[name="paragraph"]');
    if (!quote || !shown) {
      return;
    }
    const selected = editor.value.slice(editor.selectionStart, editor.selectionEnd);
    if (selected.trim()) {
      quote.value = selected;
      hint.value = String(editor.selectionStart);
      shown.textContent = `選んだ箇所: 「${selected.length > 60 ? `${selected.slice(0, 59)}…` : selected}」`;
      shown.hidden = false;
      field.value = "body";
      paragraph.value = "";
    } else {
      quote.value = "";
      shown.hidden = true;
      const number = paragraphAt(editor.value, editor.selectionStart);
      if (number && field.value === "body") {
        paragraph.value = String(number);
      }
    }
  }

  function markPreview() {
    const data = document.getElementById("comment-marks");
    const preview = document.querySelector(".markdownx-preview");
    if (!data || !preview) {
      return;
    }
    for (const mark of JSON.parse(data.textContent)) {
      // The preview shows rendered text: look for the first line of the passage
      // without Markdown's marks, within one run of text.
      const key = mark.quote
        .split("\n")
        .map((line) => line.replace(/^\s*(#+|>|[-*+]|\d+\.)\s+/, "").replace(/[*_`]/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1"))
        .find((line) => line.trim())
        ?.trim()
        .slice(0, 40);
      if (!key) {
        continue;
      }
      const walker = document.createTreeWalker(preview, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.data.indexOf(key);
        if (at === -1 || node.parentElement.closest("mark.comment-mark")) {
          continue;
        }
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + key.length);
        const highlight = document.createElement("mark");
        highlight.className = "comment-mark";
        highlight.title = `コメント: ${mark.text}`;
        highlight.dataset.commentId = String(mark.id);
        range.surroundContents(highlight);
        break;
      }
    }
  }

  async function send(form, submitter) {
    const data = new FormData(form, submitter);
    const status = panel()?.querySelector(".comments-status");
    let answer;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: data,
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
      answer = await response.json();
    } catch (error) {
      if (status) {
        status.textContent = "送れませんでした。通信を確かめて、もう一度押してください。書いた文はそのまま残っています。";
        status.classList.add("errornote");
      }
      return;
    }
    const typed = answer.error ? keepTyped() : null;
    panel().outerHTML = answer.panel;
    document.getElementById("comment-forms").outerHTML = answer.forms;
    if (typed) {
      restoreTyped(typed);
    }
    markPreview();
  }

  // A refused comment keeps what was written in it.
  function keepTyped() {
    const kept = {};
    for (const element of panel().querySelectorAll("textarea, input, select")) {
      if (element.id) {
        kept[element.id] = element.value;
      }
    }
    return kept;
  }

  function restoreTyped(kept) {
    for (const [id, value] of Object.entries(kept)) {
      const element = document.getElementById(id);
      if (element) {
        element.value = value;
      }
    }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.classList.contains("comment-form") || !window.fetch) {
      return;
    }
    event.preventDefault();
    send(form, event.submitter);
  });

  document.addEventListener("selectionchange", () => {
    if (document.activeElement === body()) {
      showSelection();
    }
  });
  document.addEventListener("keyup", (event) => event.target === body() && showSelection());
  document.addEventListener("mouseup", (event) => event.target === body() && showSelection());

  document.addEventListener("change", (event) => {
    // A passage selected in the body is no target for a comment on another field.
    if (event.target.id === "comment-field" && event.target.value !== "body") {
      const target = panel();
      target.querySelector('input[name="quote"]').value = "";
      target.querySelector(".comment-selection").hidden = true;
    }
  });

  // markdownx's update event does not bubble: caught on its way down.
  document.addEventListener("markdownx.update", markPreview, true);
  document.addEventListener("click", (event) => {
    const mark = event.target.closest?.("mark.comment-mark");
    const thread = mark && document.getElementById(`comment-${mark.dataset.commentId}`);
    if (thread) {
      thread.scrollIntoView({ behavior: "smooth", block: "center" });
      thread.classList.add("comment-focus");
      setTimeout(() => thread.classList.remove("comment-focus"), 1500);
    }
  });
})();
