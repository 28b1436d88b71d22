// Autosave: the article form's content goes to the server about 2 s after typing
// stops, and at least every 10 s while it goes on (writing/autosave.py keeps one
// row per person and article). When the server cannot be reached the form is
// kept in this browser and sent once the network is back, or when the page is
// opened again. The state is shown beside the toolbar.
(() => {
  "use strict";

  const IDLE_MS = 2000;
  const MAX_WAIT_MS = 10000;
  const config = document.getElementById("autosave-config");
  const form = document.getElementById("article_form");
  const body = document.getElementById("id_body");
  const csrf = () => form?.querySelector("[name=csrfmiddlewaretoken]")?.value || "";

  async function post(url, data) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), "X-Requested-With": "fetch" },
      body: JSON.stringify(data),
      credentials: "same-origin",
    });
  }

  // The offer's "discard" (writing/_autosave_offer.html).
  document.addEventListener("click", async (event) => {
    const button = event.target.closest?.("[data-autosave-discard]");
    if (!button || !config) {
      return;
    }
    const target = button.dataset.draftKey
      ? { draft_key: button.dataset.draftKey }
      : { article: config.dataset.article };
    const response = await post(config.dataset.discardUrl, target).catch(() => null);
    if (response && response.ok) {
      document.getElementById("autosave-offer")?.remove();
    }
  });

  if (!config || !form || !body || body.readOnly || body.disabled) {
    return;
  }
  const { url, user, article, version } = config.dataset;
  const draftKey = config.dataset.draftKey;
  const storageKey = article ? `allforces-autosave:${user}:${article}` : `allforces-autosave:${user}:new:${draftKey}`;

  const state = document.createElement("span");
  state.id = "autosave-state";
  state.className = "autosave-state";
  state.setAttribute("role", "status");
  (document.getElementById("writing-toolbar") || body.parentElement).append(state);

  function show(text, kind) {
    state.textContent = text;
    state.dataset.state = kind;
  }

  const value = (id) => document.getElementById(id)?.value ?? "";

  function collect() {
    const categories = document.getElementById("id_categories");
    return {
      title: value("id_title"),
      slug: value("id_slug"),
      body: body.value,
      excerpt: value("id_excerpt"),
      cover_alt: value("id_cover_alt"),
      tags: value("id_tags"),
      categories: categories ? Array.from(categories.selectedOptions, (option) => option.value) : [],
    };
  }

  function payload(fields) {
    return {
      article: article ? Number(article) : null,
      draft_key: article ? null : draftKey,
      version: version ? Number(version) : null,
      fields,
      written_at: new Date().toISOString(),
    };
  }

  function keepHere(data) {
    try {
      localStorage.setItem(storageKey, JSON.stringify(data));
    } catch {
      // Storage full or refused: the state line still says it is not saved.
    }
  }

  const hhmm = () => new Date().toLocaleTimeString("ja-JP", { hour: "2-digit", minute: "2-digit" });
  let lastSent = JSON.stringify(collect());
  let firstUnsent = null;
  let timer = null;
  let sending = false;
  let again = false;

  async function send() {
    clearTimeout(timer);
    if (sending) {
      again = true;
      return;
    }
    const fields = collect();
    const text = JSON.stringify(fields);
    if (text === lastSent && !localStorage.getItem(storageKey)) {
      firstUnsent = null;
      return;
    }
    const data = payload(fields);
    sending = true;
    show("保存中…", "saving");
    try {
      const response = await post(url, data);
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        lastSent = text;
        firstUnsent = null;
        localStorage.removeItem(storageKey);
        show(`保存済み ${answer.shown}`, "saved");
      } else if (response.status < 500) {
        keepHere(data);
        show(`自動保存できません: ${answer.error || response.status}（この端末に保存）`, "refused");
      } else {
        // The server answered but failed: not the network. Kept here, tried at the next change.
        keepHere(data);
        lastSent = text;
        show(`サーバーの不具合で自動保存できません。この端末に保存 ${hhmm()}`, "refused");
      }
    } catch {
      keepHere(data);
      lastSent = text;
      show(`オフライン: この端末に保存 ${hhmm()}`, "offline");
    } finally {
      sending = false;
      if (again) {
        again = false;
        changed();
      }
    }
  }

  function changed() {
    if (JSON.stringify(collect()) === lastSent) {
      return;
    }
    firstUnsent = firstUnsent || Date.now();
    clearTimeout(timer);
    const waited = Date.now() - firstUnsent;
    timer = setTimeout(send, Math.max(0, Math.min(IDLE_MS, MAX_WAIT_MS - waited)));
    if (state.dataset.state !== "offline") {
      show("未保存の変更あり", "dirty");
    }
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  // The admin's autocomplete (select2) changes its select without a native event.
  setInterval(changed, MAX_WAIT_MS);
  window.addEventListener("online", () => {
    if (localStorage.getItem(storageKey)) {
      send();
    }
  });
  form.addEventListener("submit", () => clearTimeout(timer));

  // Kept in this browser by an earlier page that could not reach the server (closed
  // since, perhaps): send it now, and offer it as any autosave is offered.
  async function sendLeftovers() {
    const prefix = article ? storageKey : `allforces-autosave:${user}:new:`;
    const keys = Object.keys(localStorage).filter((key) => key === prefix || (!article && key.startsWith(prefix)));
    let sent = 0;
    for (const key of keys) {
      let data;
      try {
        data = JSON.parse(localStorage.getItem(key));
      } catch {
        continue;
      }
      const response = await post(url, data).catch(() => null);
      if (response && response.ok) {
        localStorage.removeItem(key);
        sent += 1;
      }
    }
    if (sent && !document.getElementById("autosave-offer")) {
      const notice = document.createElement("p");
      notice.className = "autosave-offer";
      notice.id = "autosave-offer";
      notice.setAttribute("role", "alert");
      notice.append("この端末に残っていた、保存していない変更をサーバーに送りました。 ");
      const link = document.createElement("a");
      link.href = "?autosave=restore";
      link.textContent = "その内容を開く";
      notice.append(link);
      form.prepend(notice);
    }
  }
  sendLeftovers();
})();
