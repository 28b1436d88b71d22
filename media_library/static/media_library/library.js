// The media library in the article's change form: a dialog to browse, search
// and upload images without leaving the page, then insert one into the body
// at the cursor or choose it as the cover. Any element with the attribute
// data-open-media-library opens it: the editor's image button (writing/editor.js,
// which also gives it a shortcut) and the cover field's button. An image dragged or pasted into the body opens it too, with the
// file already chosen, so that it gets its alt text and credit before it is
// stored: nothing goes into the body with empty alt text.
//
// Inserting dispatches "input" on #id_body (the live preview and autosave
// listen for it). The dialog's markup comes from the server on first use;
// everything here is built with DOM calls, never inline script or style, as
// the Content Security Policy requires.
(() => {
  "use strict";

  const body = () => document.getElementById("id_body");
  const coverInput = () => document.querySelector("[data-library-cover-input]");
  const dialogUrl = () => document.querySelector("[data-media-library-dialog]")?.dataset.mediaLibraryDialog;

  let dialog = null;
  let loading = null;
  let selection = null; // the body's selection when the dialog opened: where an image goes
  let dropped = []; // images dropped or pasted into the body, waiting for their description
  let shownQuery = null;
  let nextPage = null;
  let searchRun = 0;
  let searchTimer = null;

  const part = (name) => dialog.querySelector(`[data-media-library-${name}]`);

  function say(message) {
    part("status").textContent = message;
  }

  function element(tag, className, text) {
    const made = document.createElement(tag);
    if (className) {
      made.className = className;
    }
    if (text !== undefined) {
      made.textContent = text;
    }
    return made;
  }

  function button(label, accessibleName, action) {
    const made = element("button", "button", label);
    made.type = "button";
    made.setAttribute("aria-label", accessibleName);
    made.addEventListener("click", action);
    return made;
  }

  async function loadDialog() {
    if (dialog) {
      return dialog;
    }
    loading ??= fetch(dialogUrl(), { credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) {
          throw new Error(`HTTP ${response.status}`);
        }
        return response.text();
      })
      .then((html) => {
        // The admin's own markup, rendered (and escaped) by a Django template.
        const holder = document.createElement("div");
        holder.innerHTML = html;
        dialog = holder.querySelector("dialog");
        document.body.append(dialog);
        wire();
        return dialog;
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  }

  async function open(files = []) {
    const editor = body();
    if (editor) {
      selection = { start: editor.selectionStart, end: editor.selectionEnd };
    }
    try {
      await loadDialog();
    } catch {
      window.alert("メディアライブラリを開けませんでした。通信の状態を確かめて、もう一度押してください。");
      return;
    }
    say("");
    if (!dialog.open) {
      dialog.showModal();
    }
    describe(files);
    if (shownQuery === null) {
      search("", 1);
    }
    const upload = part("upload");
    if (files.length && upload) {
      upload.open = true;
      dialog.querySelector("#media-library-alt").focus();
    } else {
      dialog.querySelector("#media-library-q").focus();
    }
  }

  // The next dropped image, put in the upload form's file input for its description.
  function describe(files) {
    dropped = files;
    const note = part("dropped");
    if (!note) {
      return;
    }
    if (!files.length) {
      note.hidden = true;
      return;
    }
    const transfer = new DataTransfer();
    transfer.items.add(files[0]);
    dialog.querySelector("#media-library-upload").files = transfer.files;
    const count = files.length > 1 ? `（残り ${files.length} 枚）` : "";
    note.textContent =
      `本文に入れた画像${count}: ${files[0].name}。代替テキストとクレジットを書いて` +
      "アップロードすると、本文のカーソルの位置に入ります。";
    note.hidden = false;
  }

  // Searching and listing ------------------------------------------------------

  async function search(query, page) {
    const run = ++searchRun;
    const url = new URL(dialog.dataset.browseUrl, window.location.href);
    url.searchParams.set("q", query);
    url.searchParams.set("page", String(page));
    let answer;
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      answer = await response.json();
      if (!response.ok) {
        throw new Error(answer.error || `HTTP ${response.status}`);
      }
    } catch (error) {
      if (run === searchRun) {
        say(`画像の一覧を読み込めませんでした（${error.message}）。もう一度お試しください。`);
      }
      return;
    }
    if (run !== searchRun) {
      return; // a later search has been asked for: its answer is the one to show
    }
    const results = part("results");
    if (page === 1) {
      results.replaceChildren();
    }
    results.append(...answer.images.map(card));
    shownQuery = query;
    nextPage = answer.next_page;
    part("more").hidden = !nextPage;
    part("empty").hidden = results.children.length > 0;
    if (query && page === 1) {
      say(answer.images.length ? `「${query}」の画像を表示しています。` : "");
    }
  }

  function card(image) {
    const item = element("li", "media-library-item");
    item.dataset.imageId = String(image.id);
    const picture = element("img");
    picture.src = image.url;
    picture.alt = ""; // its alt text is the line under it
    picture.width = image.width;
    picture.height = image.height;
    picture.loading = "lazy";
    const actions = element("div", "media-library-actions");
    if (body()) {
      actions.append(button("本文に挿入", `「${image.alt}」を本文に挿入`, () => insert(image)));
    }
    if (coverInput()) {
      actions.append(button("表紙にする", `「${image.alt}」を表紙にする`, () => chooseCover(image)));
    }
    item.append(
      picture,
      element("p", "media-library-alt", image.alt),
      element("p", "media-library-meta", `${image.credit} ・ ${image.width}×${image.height} ・ ${image.size}`),
      actions,
    );
    return item;
  }

  // Using an image ----------------------------------------------------------

  function insert(image) {
    const editor = body();
    const value = editor.value;
    const start = Math.min(selection?.start ?? value.length, value.length);
    const end = Math.min(selection?.end ?? start, value.length);
    const before = value.slice(0, start);
    const after = value.slice(end);
    // An image is a paragraph of its own: blank lines around it, unless at either end.
    const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    const trail = after === "" || after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
    const text = lead + image.markdown + trail;
    dialog.close();
    editor.focus();
    editor.setSelectionRange(start, end);
    // As typing does, so that Ctrl+Z takes it out again; the browser then fires "input" itself.
    const typed = document.activeElement === editor && document.execCommand("insertText", false, text);
    if (!typed || editor.value !== before + text + after) {
      editor.value = value;
      editor.setRangeText(text, start, end, "end");
      editor.dispatchEvent(new Event("input", { bubbles: true }));
    }
    selection = { start: editor.selectionStart, end: editor.selectionEnd };
  }

  function chooseCover(image) {
    if (image.cover_problem) {
      say(image.cover_problem);
      return;
    }
    const input = coverInput();
    const widget = input.closest(".library-cover");
    input.value = String(image.id);
    const chosen = widget.querySelector("[data-library-cover-chosen]");
    const thumbnail = chosen.querySelector("[data-library-cover-thumbnail]");
    thumbnail.src = image.url;
    thumbnail.width = image.width;
    thumbnail.height = image.height;
    chosen.querySelector("[data-library-cover-alt]").textContent = `「${image.alt}」`;
    chosen.hidden = false;
    // The library's cover replaces any file picked in the cover field, and is not cleared by it.
    const file = document.getElementById("id_cover");
    if (file) {
      file.value = "";
    }
    const clear = document.getElementById("cover-clear_id");
    if (clear) {
      clear.checked = false;
    }
    const alt = document.getElementById("id_cover_alt");
    if (alt && !alt.value.trim()) {
      alt.value = image.alt;
      alt.dispatchEvent(new Event("input", { bubbles: true }));
    }
    input.dispatchEvent(new Event("change", { bubbles: true }));
    dialog.close();
    widget.querySelector("[data-library-cover-clear]").focus();
  }

  // Uploading ---------------------------------------------------------------

  function showErrors(errors) {
    let first = null;
    for (const list of dialog.querySelectorAll("[data-errors-for]")) {
      const messages = errors[list.dataset.errorsFor] || [];
      list.replaceChildren(...messages.map((message) => element("li", "", message)));
      list.hidden = messages.length === 0;
      const field = dialog.querySelector(`#media-library-${list.dataset.errorsFor}`);
      if (field) {
        field.toggleAttribute("aria-invalid", messages.length > 0);
        first ??= messages.length ? field : null;
      }
    }
    return first;
  }

  async function upload(event) {
    event.preventDefault();
    const form = event.target;
    const submit = part("upload-button");
    submit.disabled = true;
    say("アップロードしています…");
    let response;
    let answer = {};
    try {
      response = await fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" });
      answer = await response.json().catch(() => ({}));
    } catch {
      submit.disabled = false;
      say("アップロードできませんでした。通信の状態を確かめて、もう一度押してください。入力した内容は残っています。");
      return;
    }
    submit.disabled = false;
    if (!response.ok) {
      const fallback =
        response.status === 413
          ? "ファイルが大きすぎて送れませんでした。小さくしてからもう一度お試しください。"
          : `アップロードできませんでした（${response.status}）。もう一度お試しください。`;
      const invalid = showErrors(answer.errors || { __all__: [fallback] });
      say("アップロードできませんでした。赤字の説明に沿って直してから、もう一度押してください。");
      (invalid || submit).focus();
      return;
    }
    showErrors({});
    const image = answer.image;
    // The next image is most likely from the same source: its credit stays.
    const credit = form.elements.credit.value;
    form.reset();
    form.elements.credit.value = credit;
    part("results").prepend(card(image));
    part("empty").hidden = true;
    say(`「${image.alt}」をライブラリに追加しました。`);
    if (dropped.length) {
      const rest = dropped.slice(1);
      insert(image);
      if (rest.length) {
        open(rest);
      }
      return;
    }
    part("upload").open = false;
    part("results").querySelector("button")?.focus();
  }

  function wire() {
    part("close").addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      // Closed without uploading it: the dropped image is let go. (Not when the
      // dialog has opened again meanwhile for the next dropped image.)
      if (!dialog.open && dropped.length) {
        dialog.querySelector("#media-library-upload").value = "";
        describe([]);
      }
    });
    part("upload-form")?.addEventListener("submit", upload);
    part("search").addEventListener("submit", (event) => {
      event.preventDefault();
      clearTimeout(searchTimer);
      search(event.target.elements.q.value.trim(), 1);
    });
    dialog.querySelector("#media-library-q").addEventListener("input", (event) => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => search(event.target.value.trim(), 1), 300);
    });
    part("more").addEventListener("click", () => search(shownQuery, nextPage));
  }

  // Openers, drops and pastes ------------------------------------------------------

  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-open-media-library]");
    if (opener) {
      event.preventDefault();
      open();
    }
    const clear = event.target.closest("[data-library-cover-clear]");
    if (clear) {
      const widget = clear.closest(".library-cover");
      coverInput().value = "";
      widget.querySelector("[data-library-cover-chosen]").hidden = true;
      coverInput().dispatchEvent(new Event("change", { bubbles: true }));
      widget.querySelector("[data-open-media-library]").focus();
    }
  });

  // A file picked in the cover field itself wins over an image chosen from the library.
  document.addEventListener("change", (event) => {
    if (event.target.id === "id_cover" && event.target.files.length && coverInput()) {
      coverInput().value = "";
      document.querySelector("[data-library-cover-chosen]").hidden = true;
    }
  });

  // Caught on the way down, before markdownx's handlers on the textarea, which
  // would store the image at once and insert it with empty alt text.
  function takeImages(event, files) {
    const images = Array.from(files || []).filter((file) => file.type.startsWith("image/"));
    if (event.target !== body() || !images.length || !dialogUrl()) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    open(images);
  }
  document.addEventListener("drop", (event) => takeImages(event, event.dataTransfer?.files), true);
  document.addEventListener("paste", (event) => takeImages(event, event.clipboardData?.files), true);
})();
