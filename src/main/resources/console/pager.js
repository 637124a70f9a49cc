// Paging with the listing's "after" cursor: the next page loads when the "Load more" button (the
// end of the list) scrolls into view, or when it is pressed (keyboard users, no observer).

import { report } from "./errors.js";

export class Pager {
  /** fetchPage(cursor) resolves to {items, next}; onItems(items) shows them. */
  constructor(button, fetchPage, onItems) {
    this.button = button;
    this.fetchPage = fetchPage;
    this.onItems = onItems;
    this.cursor = null;
    this.done = false;
    this.loading = null;
    this.generation = 0;
    this.failed = false; // after an error, only a press of the button tries again
    this.onClick = () => {
      this.failed = false;
      this.more();
    };
    button.addEventListener("click", this.onClick);
    this.observer = new IntersectionObserver((entries) => {
      if (!this.failed && entries.some((entry) => entry.isIntersecting)) this.more();
    });
    this.observer.observe(button);
    // The observer reports changes only: a page appended while the button was in view, then a
    // scroll straight back to it, is no change. A scroll check catches that case.
    this.frame = 0;
    this.onScroll = () => {
      if (this.frame) return;
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        if (!this.failed) this.checkVisible();
      });
    };
    window.addEventListener("scroll", this.onScroll, { passive: true });
  }

  /** Loads the next page unless one is loading or the end was reached. */
  more() {
    if (this.loading || this.done) return this.loading;
    const generation = this.generation;
    this.button.disabled = true;
    this.loading = this.fetchPage(this.cursor)
      .then(({ items, next }) => {
        if (generation !== this.generation) return;
        this.cursor = next || null;
        this.done = !next;
        this.onItems(items);
      })
      .catch((error) => {
        if (generation !== this.generation) return;
        this.failed = true;
        report(error);
      })
      .finally(() => {
        if (generation !== this.generation) return;
        this.loading = null;
        this.button.disabled = false;
        this.button.hidden = this.done;
        // Still in view after a short page (a tall screen): load on.
        if (!this.done && !this.failed) requestAnimationFrame(() => this.checkVisible());
      });
    return this.loading;
  }

  checkVisible() {
    if (this.loading || this.done) return;
    const box = this.button.getBoundingClientRect();
    if (!this.button.hidden && box.top < window.innerHeight && box.bottom > 0) this.more();
  }

  /** Stops for good (the view was left); answers still in flight are dropped. */
  stop() {
    this.generation++;
    this.observer.disconnect();
    window.removeEventListener("scroll", this.onScroll);
    if (this.frame) cancelAnimationFrame(this.frame);
    this.button.removeEventListener("click", this.onClick);
    this.button.disabled = false;
  }
}
