// The article form's writing aids: a toolbar with shortcuts for people who do not
// write Markdown, Ctrl/Cmd+S to save and stay, the count line under the editor,
// and a warning before leaving with unsaved changes. Plain script, no framework:
// the admin already carries markdownx's, and the Content Security Policy allows
// no inline code, so everything is bound here.
(() => {
  "use strict";

  const form = document.getElementById("article_form");
  const body = document.getElementById("id_body");
  if (!form) {
    return;
  }
  const mac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
  const ctrl = mac ? "⌘" : "Ctrl";

  // --- Editing the textarea, keeping the browser's undo -------------------------
  function replaceSelection(text, selectInserted) {
    const start = body.selectionStart;
    body.focus();
    // insertText keeps the change on the undo stack and fires "input" itself.
    const done = document.execCommand && document.execCommand("insertText", false, text);
    if (!done) {
      body.setRangeText(text, body.selectionStart, body.selectionEnd, "end");
      body.dispatchEvent(new Event("input", { bubbles: true }));
    }
    if (selectInserted) {
      body.setSelectionRange(start + selectInserted[0], start + selectInserted[1]);
    }
  }

  function selected() {
    return body.value.slice(body.selectionStart, body.selectionEnd);
  }

  function wrap(before, after, placeholder) {
    return () => {
      const text = selected() || placeholder;
      replaceSelection(before + text + after, [before.length, before.length + text.length]);
    };
  }

  // Every line touched by the selection starts with `prefix` (or loses it, pressed again).
  function linePrefix(prefix, numbered) {
    return () => {
      const value = body.value;
      const start = value.lastIndexOf("\n", body.selectionStart - 1) + 1;
      let end = value.indexOf("\n", body.selectionEnd);
      end = end === -1 ? value.length : end;
      const lines = value.slice(start, end).split("\n");
      const all = lines.every((line) => line.startsWith(prefix));
      const changed = lines
        .map((line, index) => {
          if (all) {
            return line.slice(prefix.length);
          }
          return (numbered ? `${index + 1}. ` : prefix) + line;
        })
        .join("\n");
      body.setSelectionRange(start, end);
      replaceSelection(changed, [0, changed.length]);
    };
  }

  function block(text, selectFrom, selectTo) {
    return () => {
      const value = body.value;
      const at = body.selectionStart;
      const before = at === 0 || value.slice(0, at).endsWith("\n\n") ? "" : value.slice(0, at).endsWith("\n") ? "\n" : "\n\n";
      replaceSelection(`${before}${text}\n\n`, [before.length + selectFrom, before.length + selectTo]);
    };
  }

  function code() {
    const text = selected();
    if (text.includes("\n")) {
      replaceSelection("```\n" + text + "\n```", [4, 4 + text.length]);
    } else {
      wrap("`", "`", "コード")();
    }
  }

  function link() {
    const text = selected() || "リンクの文字";
    const inserted = `[${text}](https://)`;
    replaceSelection(inserted, [text.length + 3, inserted.length - 1]);
  }

  // The media library (media_library/library.js) opens its dialog on any click on a
  // [data-open-media-library]; without it, a Markdown image to fill in, its alt text selected.
  const libraryHere = () => Boolean(document.querySelector("[data-media-library-dialog]"));

  function image(button) {
    if (libraryHere()) {
      button?.click();
      return;
    }
    replaceSelection("![画像の説明（代替テキスト）](https://)", [2, 16]);
  }

  const ACTIONS = [
    { name: "heading", label: "見出し", keys: { alt: true, code: "Digit2", shown: "Alt+2" }, run: linePrefix("## ") },
    { name: "bold", label: "太字", keys: { code: "KeyB", shown: "B" }, run: wrap("**", "**", "太字") },
    { name: "link", label: "リンク", keys: { code: "KeyK", shown: "K" }, run: link },
    { name: "list", label: "箇条書き", keys: { shift: true, code: "Digit8", shown: "Shift+8" }, run: linePrefix("- ") },
    {
      name: "numbered",
      label: "番号付きリスト",
      keys: { shift: true, code: "Digit7", shown: "Shift+7" },
      run: linePrefix("1. ", true),
    },
    {
      name: "table",
      label: "表",
      keys: { alt: true, code: "KeyT", shown: "Alt+T" },
      run: block("| 項目 | 内容 |\n| --- | --- |\n| 項目 | 内容 |", 2, 4),
    },
    { name: "quote", label: "引用", keys: { shift: true, code: "Digit9", shown: "Shift+9" }, run: linePrefix("> ") },
    { name: "code", label: "コード", keys: { code: "KeyE", shown: "E" }, run: code },
    { name: "image", label: "画像", keys: { alt: true, code: "KeyI", shown: "Alt+I" }, run: image },
  ];

  function shortcut(action) {
    return `${ctrl}+${action.keys.shown}`;
  }

  function buildToolbar() {
    const editor = body.closest(".markdownx") || body;
    if (body.readOnly || body.disabled || document.getElementById("writing-toolbar")) {
      return;
    }
    const bar = document.createElement("div");
    bar.id = "writing-toolbar";
    bar.className = "writing-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "書式");
    bar.setAttribute("aria-controls", "id_body");
    for (const action of ACTIONS) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = `writing-tool tool-${action.name}`;
      button.dataset.tool = action.name;
      button.textContent = action.label;
      button.title = `${action.label}（${shortcut(action)}）`;
      button.setAttribute("aria-keyshortcuts", shortcut(action).replace("⌘", "Meta").replace("Ctrl", "Control"));
      if (action.name === "image") {
        button.setAttribute("data-open-media-library", "");
      }
      bar.append(button);
    }
    editor.insertBefore(bar, editor.firstChild === body ? body : editor.firstChild);
    bar.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-tool]");
      if (!button) {
        return;
      }
      const action = ACTIONS.find((candidate) => candidate.name === button.dataset.tool);
      if (action.name === "image") {
        // The media library's own listener takes [data-open-media-library] clicks.
        if (!libraryHere()) {
          image(button);
        }
        return;
      }
      action.run(button);
    });
  }

  function matches(event, keys) {
    const mod = mac ? event.metaKey : event.ctrlKey;
    return mod && event.code === keys.code && Boolean(keys.alt) === event.altKey && Boolean(keys.shift) === event.shiftKey;
  }

  document.addEventListener("keydown", (event) => {
    const mod = mac ? event.metaKey : event.ctrlKey;
    if (mod && !event.altKey && !event.shiftKey && event.code === "KeyS") {
      // Save and stay: the admin's 「保存して編集を続ける」.
      event.preventDefault();
      const save = form.querySelector('input[name="_continue"]') || form.querySelector('input[name="_save"]');
      if (save) {
        save.click();
      }
      return;
    }
    if (event.target !== body) {
      return;
    }
    const action = ACTIONS.find((candidate) => matches(event, candidate.keys));
    if (action) {
      event.preventDefault();
      action.run(document.querySelector(`#writing-toolbar [data-tool="${action.name}"]`));
    }
  });

  // --- The count line, from the counts the server put in the live preview -------
  const number = new Intl.NumberFormat("ja-JP");

  function countLine() {
    let line = document.getElementById("writing-counts");
    if (!line && body) {
      line = document.createElement("p");
      line.id = "writing-counts";
      line.className = "writing-counts";
      body.after(line);
    }
    return line;
  }

  document.addEventListener(
    "markdownx.update",
    (event) => {
      const data = event.target.querySelector(".writing-counts-data");
      const line = countLine();
      if (!data || !line) {
        return;
      }
      const { characters, latinWords, readingMinutes } = data.dataset;
      line.textContent =
        `文字数 ${number.format(Number(characters))}字` +
        (Number(latinWords) ? `・英単語 ${number.format(Number(latinWords))}語` : "") +
        `・読了 約${readingMinutes}分`;
      line.dataset.characters = characters;
      line.dataset.latinWords = latinWords;
      line.dataset.readingMinutes = readingMinutes;
    },
    true,
  );

  // --- A warning before leaving with unsaved changes ------------------------------
  function snapshot() {
    const parts = [];
    for (const [name, value] of new FormData(form)) {
      if (name !== "csrfmiddlewaretoken") {
        parts.push([name, value instanceof File ? value.name : value]);
      }
    }
    return JSON.stringify(parts);
  }

  let saved = snapshot();
  let leaving = false;
  // Widgets that set their values as the page loads (select2, markdownx) have done so by now.
  window.addEventListener("load", () => {
    saved = snapshot();
  });
  form.addEventListener("submit", () => {
    leaving = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (leaving || snapshot() === saved) {
      return;
    }
    event.preventDefault();
    event.returnValue = "";
  });
  // What another script restores into the form (an autosave) counts as unsaved;
  // a form drawn again after a save starts clean.
  window.addEventListener("pageshow", () => {
    leaving = false;
  });
  document.addEventListener("writing:form-saved", () => {
    saved = snapshot();
  });

  // --- The preview beside the text scrolls with it ----------------------------------
  // By proportion: a heading's rendering is taller than its source line, so the two
  // columns cannot match line for line, but the same part of the article stays in view.
  function scrollTogether() {
    const preview = body.closest(".markdownx")?.querySelector(".markdownx-preview");
    if (!preview) {
      return;
    }
    let leading = null;
    function follow(from, to) {
      if (leading && leading !== from) {
        return;
      }
      leading = from;
      const range = from.scrollHeight - from.clientHeight;
      to.scrollTop = range > 0 ? (from.scrollTop / range) * (to.scrollHeight - to.clientHeight) : 0;
      clearTimeout(follow.timer);
      follow.timer = setTimeout(() => {
        leading = null;
      }, 100);
    }
    body.addEventListener("scroll", () => follow(body, preview), { passive: true });
    preview.addEventListener("scroll", () => follow(preview, body), { passive: true });
  }

  if (body) {
    buildToolbar();
    scrollTogether();
  }
})();
