// Tags in the page editor, on Wagtail's tag widget ("w-tag", jQuery tag-it).
//
// Two things tag-it does get in an editor's way:
// - Wagtail wraps a multi-word tag in quotes so that taggit's parser keeps it whole;
//   the editor then sees "Yên Phong" with its quotes. core.tags.parse_tags (the
//   TAGGIT_TAGS_FROM_STRING setting) keeps a tag whole without them, so tags are
//   shown and sent as typed.
// - While the suggestions are open, Enter or a comma with no suggestion highlighted does
//   nothing, and the next tag typed is glued onto the first. Here Enter takes the
//   highlighted suggestion (jQuery UI's autocomplete does that) and otherwise, like a
//   comma, closes the suggestions so that tag-it takes the typed text as a tag.
// Loaded before the admin's controllers connect, so every tag field gets it.
(() => {
  const $ = window.jQuery;
  if (!$ || !$.ui || !$.ui.tagit) {
    return;
  }
  const unquote = (tag) =>
    String(tag)
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .trim();

  $.widget("ui.tagit", $.ui.tagit, {
    _create() {
      this.options.preprocessTag = unquote;
      this._super();
      const input = this.tagInput;
      // The list holds the input: its capture phase runs before tag-it's own handler.
      this.tagList[0].addEventListener(
        "keydown",
        (event) => {
          if (event.target !== input[0] || (event.key !== "Enter" && event.key !== ",")) {
            return;
          }
          const autocomplete = input.autocomplete("instance");
          if (!autocomplete || (event.key === "Enter" && autocomplete.menu.active)) {
            return;
          }
          // Also cancels a search still under way, so no stale suggestions open later.
          input.autocomplete("close");
        },
        true,
      );
    },
  });
})();
