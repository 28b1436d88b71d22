// The live preview answers 429 while this editor's previous preview is still rendering or
// previews come too fast. The answer's body is the last preview with a retry mark, so the pane
// keeps what it showed; here the preview is asked for again after the delay the mark names.
// markdownx's update event does not bubble, so it is caught on its way down (capture).
document.addEventListener(
  "markdownx.update",
  (event) => {
    const root = event.target;
    const mark = root.querySelector("[data-preview-retry]");
    if (!mark) {
      return;
    }
    const editor = root.querySelector("textarea");
    const delay = Number(mark.dataset.previewRetry) || 1000;
    clearTimeout(root.previewRetryTimer);
    root.previewRetryTimer = setTimeout(() => {
      if (editor) {
        editor.dispatchEvent(new Event("input"));
      }
    }, delay);
  },
  true,
);
