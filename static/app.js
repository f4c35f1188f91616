// Reading Room's only script. It brings a permalinked block into view and
// offers, for text the reader selects inside one block, a link that
// highlights exactly that passage (a URL text fragment) or a Markdown quote.
// Everything it adds is a convenience: without it each block keeps its ¶
// link and the page reads the same.
(() => {
  "use strict";

  const article = document.querySelector("article.article[data-url]");
  if (!article) return;

  const BLOCK = "[id^='p-'].block";
  const LONG_QUOTE = 300; // above this, a link names only the first and last words
  const EDGE_WORDS = 5; // how many words "first and last words" means
  const CONTEXT_WORDS = 3; // words of prefix or suffix that tell repeats apart

  scrollToMarked();

  // A /p/{id} URL marks its block on the server; the fragment that would
  // scroll to it is not part of what was shared, so scroll here. A link
  // with a fragment (an #id or a #:~:text= passage) is left to the browser.
  function scrollToMarked() {
    const marked = article.querySelector(".block.marked");
    if (!marked || hasFragment()) return;
    const tall = marked.getBoundingClientRect().height > window.innerHeight * 0.8;
    marked.scrollIntoView({ block: tall ? "start" : "center" });
  }

  function hasFragment() {
    if (location.hash) return true;
    // A text directive (#:~:text=) is hidden from location; the navigation
    // entry still has the URL as it was asked for.
    const nav = performance.getEntriesByType("navigation")[0];
    return !!nav && nav.name.includes("#");
  }

  // --- Sharing a passage -------------------------------------------------

  const live = document.createElement("div");
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  document.body.append(live);

  const bar = document.createElement("div");
  bar.className = "share-bar";
  bar.setAttribute("role", "group");
  bar.setAttribute("aria-label", "Share the selected passage");
  bar.hidden = true;
  const linkButton = makeButton("Copy link to this passage");
  const quoteButton = makeButton("Copy as quote");
  bar.append(linkButton, quoteButton);

  let current = null; // the passage the bar offers: {block, key, link, quote}
  let dismissed = ""; // key of the passage Escape dismissed
  let pointerDown = false;
  let timer = 0;

  function makeButton(label) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    return b;
  }

  // Keep the selection when a button is clicked.
  bar.addEventListener("mousedown", (e) => e.preventDefault());
  linkButton.addEventListener("click", () => current && copy(current.link, "Link copied"));
  quoteButton.addEventListener("click", () => current && copy(current.quote, "Quote copied"));
  bar.addEventListener("focusout", () => later(0));

  document.addEventListener("pointerdown", (e) => {
    if (!bar.contains(e.target)) pointerDown = true;
  });
  document.addEventListener("pointerup", () => {
    pointerDown = false;
    later(0);
  });
  document.addEventListener("keyup", (e) => {
    if (e.key !== "Escape" && e.key !== "Tab") later(0);
  });
  document.addEventListener("selectionchange", () => later(150));
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || bar.hidden) return;
    dismissed = current ? current.key : "";
    const hadFocus = bar.contains(document.activeElement);
    const block = current && current.block;
    hide();
    if (hadFocus && block) {
      const link = block.querySelector(".pilcrow");
      if (link) link.focus();
    }
  });

  function later(ms) {
    clearTimeout(timer);
    timer = setTimeout(update, ms);
  }

  function update() {
    if (pointerDown) return; // still dragging: wait for the pointer to lift
    if (bar.contains(document.activeElement)) return; // the reader is using the bar
    const sel = window.getSelection();
    const p = sel && !sel.isCollapsed && sel.rangeCount > 0 ? passage(sel.getRangeAt(0)) : null;
    if (!p) {
      dismissed = "";
      hide();
      return;
    }
    if (p.key === dismissed) return;
    if (current && current.key === p.key && !bar.hidden) return;
    dismissed = "";
    show(p);
  }

  function hide() {
    bar.hidden = true;
    current = null;
    const field = bar.querySelector(".share-fallback");
    if (field) field.remove();
  }

  // show offers to share p. The bar goes inside the block, just before its
  // ¶ link, so that Tab from a selection made with the keyboard reaches
  // the bar first (moving focus to the ¶ link would drop the selection).
  function show(p) {
    current = p;
    bar.dataset.link = p.link;
    const field = bar.querySelector(".share-fallback");
    if (field) field.remove();
    const pilcrow = p.block.querySelector(".pilcrow");
    if (pilcrow) pilcrow.before(bar);
    else p.block.append(bar);
    bar.hidden = false;
    place(p.rect);
    // A click in the text focuses <main> (it takes focus for the skip
    // link), and Tab would then start from the top of the article. Without
    // a focused element, Tab starts from where the reader clicked.
    const active = document.activeElement;
    if (active && active !== document.body && active.contains(p.block)) active.blur();
  }

  // place puts the bar just above the selection, or below it near the top
  // of the window.
  function place(rect) {
    const parent = (bar.offsetParent || document.body).getBoundingClientRect();
    const h = bar.offsetHeight;
    const w = bar.offsetWidth;
    let top = rect.top - parent.top - h - 8;
    if (rect.top - h - 8 < 0) top = rect.bottom - parent.top + 8;
    let left = rect.left - parent.left;
    left = Math.max(0, Math.min(left, parent.width - w));
    bar.style.top = top + "px";
    bar.style.left = left + "px";
  }

  // passage describes the selection in range if it lies inside one block:
  // the quote, widened to whole words, and the links to it.
  function passage(range) {
    const block = blockOf(range.startContainer);
    if (!block) return null;
    if (!block.contains(range.endContainer)) {
      // A triple click ends the range at the start of the next block.
      const clipped = range.cloneRange();
      clipped.setEnd(block, block.childNodes.length);
      if (collapse(clipped.toString()) !== collapse(range.toString())) return null;
      range = clipped;
    }
    const { text, nodes } = blockText(block);
    let start = offsetIn(nodes, range.startContainer, range.startOffset);
    let end = offsetIn(nodes, range.endContainer, range.endOffset);
    const isWord = (c) => c !== undefined && /[\p{L}\p{N}\p{M}'’]/u.test(c);
    while (start > 0 && isWord(text[start - 1]) && isWord(text[start])) start--;
    while (end < text.length && isWord(text[end - 1]) && isWord(text[end])) end++;
    const quote = collapse(text.slice(start, end));
    if (!quote) return null;

    const pid = block.id.slice(2);
    const permalink = article.dataset.url + "/p/" + pid;
    let directive;
    if (quote.length > LONG_QUOTE) {
      const words = quote.split(" ");
      directive = enc(words.slice(0, EDGE_WORDS).join(" ")) + "," + enc(words.slice(-EDGE_WORDS).join(" "));
    } else {
      directive = enc(quote);
    }
    if (occurrences(pageText(), quote) > 1) {
      const before = collapse(text.slice(0, start)).split(" ").filter(Boolean).slice(-CONTEXT_WORDS).join(" ");
      const after = collapse(text.slice(end)).split(" ").filter(Boolean).slice(0, CONTEXT_WORDS).join(" ");
      if (before) directive = enc(before) + "-," + directive;
      if (after) directive += ",-" + enc(after);
    }
    const title = article.dataset.title || "";
    return {
      block,
      key: pid + ":" + start + ":" + end,
      rect: range.getBoundingClientRect(),
      link: permalink + "#:~:text=" + directive,
      quote: "> “" + quote + "”\n>\n> — [" + title.replace(/([\\[\]])/g, "\\$1") + "](" + permalink + ")",
    };
  }

  function blockOf(node) {
    const el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    const block = el && el.closest(BLOCK);
    return block && article.contains(block) ? block : null;
  }

  // blockText is the text of a block without its ¶ link, and the text
  // nodes it is made of.
  function blockText(block) {
    const nodes = [];
    const walk = document.createTreeWalker(block, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) =>
        n.parentElement.closest(".pilcrow, .share-bar") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
    });
    while (walk.nextNode()) nodes.push(walk.currentNode);
    return { text: nodes.map((n) => n.data).join(""), nodes };
  }

  // offsetIn turns a range boundary into an offset in the joined text of nodes.
  function offsetIn(nodes, container, offset) {
    const at = document.createRange();
    at.setStart(container, offset);
    let n = 0;
    for (const node of nodes) {
      if (node === container) return n + offset;
      if (at.comparePoint(node, 0) < 0) n += node.data.length;
      else break;
    }
    return n;
  }

  function collapse(s) {
    return s.replace(/\s+/g, " ").trim();
  }

  // pageText is the text a browser searches for a text fragment, without
  // the bar's own labels.
  function pageText() {
    const shown = !bar.hidden;
    bar.hidden = true;
    const text = collapse(document.body.innerText).toLowerCase();
    bar.hidden = !shown;
    return text;
  }

  function occurrences(haystack, needle) {
    needle = needle.toLowerCase();
    let count = 0;
    for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) count++;
    return count;
  }

  // enc percent-encodes a part of a text directive, including the
  // characters the directive itself uses as syntax.
  function enc(s) {
    return encodeURIComponent(s).replace(/-/g, "%2D").replace(/,/g, "%2C").replace(/&/g, "%26");
  }

  async function copy(text, done) {
    try {
      if (!navigator.clipboard || !navigator.clipboard.writeText) throw new Error("no clipboard");
      await navigator.clipboard.writeText(text);
      announce(done);
    } catch {
      fallback(text);
    }
  }

  // fallback offers the text selected in a read-only field, for copying by
  // hand where the clipboard cannot be written.
  function fallback(text) {
    let field = bar.querySelector(".share-fallback");
    if (!field) {
      field = document.createElement("input");
      field.type = "text";
      field.readOnly = true;
      field.className = "share-fallback";
      field.setAttribute("aria-label", "Text to copy");
      bar.append(field);
    }
    field.value = text;
    field.focus();
    field.select();
    announce("Copying is blocked here: the text is selected, copy it with your keyboard");
  }

  function announce(msg) {
    // Cleared first so that the same message twice is announced twice.
    live.textContent = "";
    setTimeout(() => {
      live.textContent = msg;
    }, 50);
  }
})();
