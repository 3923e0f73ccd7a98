// ASCII slugs from Vietnamese titles in the page editor.
//
// Wagtail's slug field (WAGTAIL_ALLOW_UNICODE_SLUGS = False) transliterates with maps
// that have no Vietnamese: "Huyện Đông" became "huyn-djong". The title field hands its
// value to the slug field in "w-sync:check" and "w-sync:apply" events; this listener,
// on the capture phase (before the slug field's own handlers), takes the diacritics
// off that value and writes đ as d, as news.text.ascii_slug does on the server. Wagtail
// then slugifies plain Latin letters, and compares like with like, so the slug keeps
// following the title while the editor has not changed it by hand.
(() => {
  const ascii = (text) =>
    text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D");

  const plainTitle = (event) => {
    const target = event.target;
    const detail = event.detail;
    if (
      target instanceof HTMLInputElement &&
      (target.dataset.controller || "").split(" ").includes("w-slug") &&
      detail &&
      typeof detail.value === "string"
    ) {
      detail.value = ascii(detail.value);
    }
  };

  document.addEventListener("w-sync:check", plainTitle, true);
  document.addEventListener("w-sync:apply", plainTitle, true);
})();
