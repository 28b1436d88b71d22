// Suggests existing tags for the comma-separated tag field: the last,
// partly typed tag is completed from the server's list, the others kept.
"use strict";
(function () {
  function currentToken(value) {
    const parts = value.split(",");
    return { head: parts.slice(0, -1), token: parts[parts.length - 1].trim() };
  }

  function attach(input) {
    const list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.setAttribute("list", list.id);
    input.after(list);
    let pending = null;

    input.addEventListener("input", function () {
      const { head, token } = currentToken(input.value);
      clearTimeout(pending);
      pending = setTimeout(async function () {
        const url = new URL(input.dataset.suggestUrl, window.location.origin);
        url.searchParams.set("q", token);
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok) return;
        const { tags } = await response.json();
        const prefix = head.map((t) => t.trim()).filter(Boolean);
        list.replaceChildren(
          ...tags
            .filter((name) => !prefix.includes(name))
            .map((name) => {
              const option = document.createElement("option");
              option.value = [...prefix, name].join(", ");
              return option;
            }),
        );
      }, 150);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input.tag-suggest").forEach(attach);
  });
})();
