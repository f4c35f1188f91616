// Reading Room's only script. It brings a permalinked block into view and
// offers, for text the reader selects inside one block, a link that
// highlights exactly that passage (a URL text fragment) or a Markdown quote.
// Everything it adds is a convenience: without it each block keeps its ¶
// link and the page reads the same.
// Display and keyboard, on every page: the reader's theme and text size,
// remembered in this browser, and keys to move about and copy links.
(() => {
  "use strict";

  const root = document.documentElement;
  const store = {
    get: (k) => { try { return localStorage.getItem(k) || ""; } catch { return ""; } },
    set: (k, v) => { try { v ? localStorage.setItem(k, v) : localStorage.removeItem(k); } catch { /* private mode */ } },
  };

  // --- Theme and text size -----------------------------------------------

  const settings = { theme: "rr-theme", size: "rr-size" };
  for (const [name, key] of Object.entries(settings)) {
    const value = store.get(key);
    if (value) root.dataset[name] = value;
  }
  const display = document.querySelector(".display");
  if (display) {
    display.hidden = false;
    for (const [name, key] of Object.entries(settings)) {
      const select = document.getElementById("display-" + name);
      if (!select) continue;
      select.value = root.dataset[name] || "";
      select.addEventListener("change", () => {
        store.set(key, select.value);
        if (select.value) root.dataset[name] = select.value;
        else delete root.dataset[name];
      });
    }
  }

  // --- Keyboard ----------------------------------------------------------
  //   /      search          j, k   next, previous block
  //   Enter  or c: copy the current block's link   ?   these keys

  const article = document.querySelector("article.article[data-url]");
  const blocks = article ? [...article.querySelectorAll("[id^='p-'].block")] : [];
  let current = -1;
  let help = null;

  // The page's one live region, for short messages ("Link copied").
  const live = document.createElement("div");
  live.id = "live";
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  document.body.append(live);
  const say = (msg) => { live.textContent = ""; requestAnimationFrame(() => { live.textContent = msg; }); };

  document.getElementById("keys-open")?.addEventListener("click", openHelp);

  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t instanceof HTMLElement && (t.isContentEditable || t.closest("input, textarea, select, [contenteditable]"))) return;
    if (help && help.open) return; // the dialog handles its own keys
    switch (e.key) {
      case "/": {
        const search = document.getElementById("site-search-q");
        if (!search) return;
        e.preventDefault();
        search.focus();
        search.select();
        return;
      }
      case "?":
        e.preventDefault();
        openHelp();
        return;
      case "j":
      case "k":
        if (!blocks.length) return;
        e.preventDefault();
        move(e.key === "j" ? 1 : -1);
        return;
      case "c":
      case "Enter":
        // Enter copies only when the block itself has the focus, so that
        // it still follows links and presses buttons everywhere else.
        if (current < 0 || (e.key === "Enter" && t !== blocks[current])) return;
        e.preventDefault();
        copyLink(blocks[current]);
        return;
    }
  });

  function move(step) {
    blocks[current]?.classList.remove("current");
    if (current < 0) {
      // The first press marks the first block in view, wherever it is.
      current = blocks.findIndex((b) => b.getBoundingClientRect().top >= 0);
      if (current < 0) current = blocks.length - 1;
    } else {
      current = Math.min(blocks.length - 1, Math.max(0, current + step));
    }
    const b = blocks[current];
    b.classList.add("current");
    if (!b.hasAttribute("tabindex")) b.tabIndex = -1;
    b.focus({ preventScroll: true });
    b.scrollIntoView({ block: "nearest" });
  }

  async function copyLink(block) {
    const url = article.dataset.url + "/p/" + block.id.slice(2);
    try {
      await navigator.clipboard.writeText(url);
      say("Link copied");
    } catch {
      // No clipboard here: say the link, so it can be copied by hand.
      say("Copying is blocked here. The link is " + url);
    }
  }

  function openHelp() {
    if (!help) {
      help = document.createElement("dialog");
      help.className = "keys-help";
      help.setAttribute("aria-labelledby", "keys-help-title");
      help.innerHTML = `<h2 id="keys-help-title">Keyboard shortcuts</h2>
        <dl>
          <dt><kbd>/</kbd></dt><dd>Search</dd>
          <dt><kbd>j</kbd> <kbd>k</kbd></dt><dd>Next and previous paragraph</dd>
          <dt><kbd>c</kbd> or <kbd>Enter</kbd></dt><dd>Copy the current paragraph's link</dd>
          <dt><kbd>?</kbd></dt><dd>This list</dd>
          <dt><kbd>Esc</kbd></dt><dd>Close it</dd>
        </dl>
        <form method="dialog"><button class="button">Close</button></form>`;
      document.body.append(help);
    }
    help.showModal();
  }
})();

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

  // One live region for the page's messages, made above.
  const live = document.getElementById("live");

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
