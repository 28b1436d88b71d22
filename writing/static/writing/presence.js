// Who else has an article open (writing/presence.py): the change form says
// "still here" every 20 s and shows the others; the article list marks the rows
// others have open. It only tells; nobody is blocked.
(() => {
  "use strict";

  const HEARTBEAT_MS = 20000;
  const token = () => document.querySelector("[name=csrfmiddlewaretoken]")?.value || "";

  function names(list) {
    return list.map((name) => `${name}さん`).join("、");
  }

  const banner = document.getElementById("presence");
  if (banner) {
    const url = banner.dataset.url;
    async function beat() {
      const data = new FormData();
      data.append("csrfmiddlewaretoken", token());
      try {
        const response = await fetch(url, { method: "POST", body: data, credentials: "same-origin" });
        const answer = await response.json();
        const others = (answer.others || []).map((other) => other.name);
        banner.textContent = others.length ? `${names(others)}もこの記事を開いています。` : "";
        banner.hidden = others.length === 0;
      } catch {
        // Offline: the banner keeps what it last knew; the next beat tries again.
      }
    }
    beat();
    setInterval(beat, HEARTBEAT_MS);
    window.addEventListener("pagehide", () => {
      const data = new FormData();
      data.append("csrfmiddlewaretoken", token());
      data.append("leaving", "1");
      navigator.sendBeacon(url, data);
    });
  }

  const list = document.getElementById("result_list");
  const listUrl = document.getElementById("presence-list")?.dataset.url;
  if (list && listUrl) {
    async function mark() {
      const data = new FormData();
      data.append("csrfmiddlewaretoken", token());
      const boxes = list.querySelectorAll("input.action-select");
      for (const box of boxes) {
        data.append("article", box.value);
      }
      try {
        const response = await fetch(listUrl, { method: "POST", body: data, credentials: "same-origin" });
        const { present } = await response.json();
        for (const box of boxes) {
          const row = box.closest("tr");
          row.querySelector(".presence-mark")?.remove();
          const people = present[box.value];
          if (people) {
            const mark = document.createElement("span");
            mark.className = "presence-mark";
            mark.textContent = `${names(people)}が編集中`;
            (row.querySelector("th") || row.lastElementChild).append(mark);
          }
        }
      } catch {
        // The list is still usable without the marks.
      }
    }
    mark();
    setInterval(mark, HEARTBEAT_MS);
  }
})();
