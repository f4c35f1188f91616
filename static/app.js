// Reading Room's only script. It brings a permalinked block into view and
// offers, for text the reader selects, a link that highlights exactly that
// passage (a URL text fragment) or a Markdown quote; for a signed-in
// reader, it saves the passage to their list with a note, and tells the
// room, every few seconds at most, which paragraph they have reached.
// Everything it adds is a convenience: without it each block keeps its ¶
// link, its Save and Stopped-here buttons, and the page reads the same.
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

  // --- Times ---------------------------------------------------------------

  // The room writes times in UTC; the reader sees them in their own zone,
  // with the UTC time kept as the element's title.
  const local = new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeStyle: "short" });
  for (const t of document.querySelectorAll("time.moment[datetime]")) {
    const d = new Date(t.dateTime);
    if (isNaN(d)) continue;
    t.title = t.textContent;
    t.textContent = local.format(d);
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
  // What a block shows that is not its text: its links and buttons, a
  // heading's number, a caption's credit, a correction's label.
  const NOT_TEXT = ".pilcrow, .share-bar, .passage-ref, .block-tools, .section-number, .credit, .label, .figure-label";
  const CONTEXT_CHARS = 32; // a saved quote's prefix and suffix, in characters
  const POSITION_EVERY = 5000; // ms between two reports of the paragraph reached
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
  // Saving needs someone signed in: the page says where to save.
  const saveButton = article.dataset.save ? makeButton("Save passage") : null;
  if (saveButton) bar.append(saveButton);

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

  // Keep the selection when a button is clicked (but let the note field
  // take the pointer).
  bar.addEventListener("mousedown", (e) => {
    if (!e.target.closest("textarea, input")) e.preventDefault();
  });
  linkButton.addEventListener("click", () => current && copy(current.link, "Link copied"));
  quoteButton.addEventListener("click", () => current && copy(current.quote, "Quote copied"));
  if (saveButton) saveButton.addEventListener("click", () => current && askNote(current));
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
    for (const extra of bar.querySelectorAll(".share-fallback, .share-note, .share-error")) extra.remove();
  }

  // show offers to share p. The bar goes inside the block, just before its
  // ¶ link, so that Tab from a selection made with the keyboard reaches
  // the bar first (moving focus to the ¶ link would drop the selection).
  function show(p) {
    current = p;
    bar.dataset.link = p.link;
    for (const extra of bar.querySelectorAll(".share-fallback, .share-note, .share-error")) extra.remove();
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

  // passage describes the selection in range: the quote, widened to whole
  // words, the links to it, and what saving it sends. A selection may
  // run across blocks.
  function passage(range) {
    const first = blockOf(range.startContainer);
    if (!first) return null;
    let last = first;
    if (!first.contains(range.endContainer)) {
      // A triple click ends the range at the start of the next block.
      const clipped = range.cloneRange();
      clipped.setEnd(first, first.childNodes.length);
      if (collapse(clipped.toString()) === collapse(range.toString())) range = clipped;
      else last = blockOf(range.endContainer);
      if (!last) return null;
    }
    const a = blockText(first);
    const b = last === first ? a : blockText(last);
    let start = offsetIn(a.nodes, range.startContainer, range.startOffset);
    let end = offsetIn(b.nodes, range.endContainer, range.endOffset);
    const isWord = (c) => c !== undefined && /[\p{L}\p{N}\p{M}'’]/u.test(c);
    while (start > 0 && isWord(a.text[start - 1]) && isWord(a.text[start])) start--;
    while (end < b.text.length && isWord(b.text[end - 1]) && isWord(b.text[end])) end++;

    const pid = first.id.slice(2);
    const permalink = article.dataset.url + "/p/" + pid;
    const title = article.dataset.title || "";
    if (first !== last) {
      // Across blocks: a text fragment names the first words of the start
      // and the last words of the end, as a term cannot cross a block.
      const head = collapse(a.text.slice(start));
      const tail = collapse(b.text.slice(0, end));
      if (!head || !tail) return null;
      const parts = [head, ...between(first, last).map((x) => collapse(blockText(x).text)), tail];
      return {
        block: last,
        key: pid + ":" + start + ":" + last.id + ":" + end,
        rect: range.getBoundingClientRect(),
        link: permalink + "#:~:text=" + enc(head.split(" ").slice(0, EDGE_WORDS).join(" ")) + "," + enc(tail.split(" ").slice(-EDGE_WORDS).join(" ")),
        quote: parts.map((q, i) => "> " + (i === 0 ? "“" : "") + q + (i === parts.length - 1 ? "”" : "")).join("\n>\n") + "\n>\n> — [" + title.replace(/([\\[\]])/g, "\\$1") + "](" + permalink + ")",
        save: () => saveData(first, start, last, end),
      };
    }
    const text = a.text;
    const quote = collapse(text.slice(start, end));
    if (!quote) return null;
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
    return {
      block: first,
      key: pid + ":" + start + ":" + end,
      rect: range.getBoundingClientRect(),
      link: permalink + "#:~:text=" + directive,
      quote: "> “" + quote + "”\n>\n> — [" + title.replace(/([\\[\]])/g, "\\$1") + "](" + permalink + ")",
      save: () => saveData(first, start, first, end),
    };
  }

  // between lists the blocks after first and before last.
  function between(first, last) {
    const all = [...article.querySelectorAll(BLOCK)];
    return all.slice(all.indexOf(first) + 1, all.indexOf(last));
  }

  // --- Saving a passage ----------------------------------------------------

  // saveData is what the room needs to find a passage from offset start in
  // block first to offset end in block last: the paragraph it starts in
  // and a W3C TextQuoteSelector over the article's text, the blocks' texts
  // joined by a blank line. Offsets are in characters (code points) only
  // for the prefix and suffix; the room works out the position itself.
  function saveData(first, start, last, end) {
    const blocks = [...article.querySelectorAll(BLOCK)];
    let full = "";
    let from = -1;
    let to = -1;
    blocks.forEach((block, i) => {
      const raw = blockText(block).text;
      const lead = raw.length - raw.trimStart().length;
      const own = raw.trim();
      if (i > 0) full += "\n\n";
      if (block === first) from = full.length + Math.max(0, Math.min(own.length, start - lead));
      if (block === last) to = full.length + Math.max(0, Math.min(own.length, end - lead));
      full += own;
    });
    const chars = (s) => Array.from(s);
    return {
      paragraph: first.id.slice(2),
      quote: {
        exact: full.slice(from, to),
        prefix: chars(full.slice(Math.max(0, from - 2 * CONTEXT_CHARS), from)).slice(-CONTEXT_CHARS).join(""),
        suffix: chars(full.slice(to, to + 2 * CONTEXT_CHARS)).slice(0, CONTEXT_CHARS).join(""),
      },
    };
  }

  // askNote opens, in the bar, a field for a note and a Save button.
  function askNote(p) {
    const data = p.save();
    for (const extra of bar.querySelectorAll(".share-note, .share-error")) extra.remove();
    const form = document.createElement("form");
    form.className = "share-note";
    const label = document.createElement("label");
    label.textContent = "Note (optional)";
    const note = document.createElement("textarea");
    note.rows = 3;
    note.maxLength = 10000;
    note.id = "share-note-text";
    label.htmlFor = note.id;
    const actions = document.createElement("div");
    actions.className = "share-note-actions";
    const ok = makeButton("Save");
    ok.type = "submit";
    const cancel = makeButton("Cancel");
    actions.append(ok, cancel);
    form.append(label, note, actions);
    bar.append(form);
    cancel.addEventListener("click", () => {
      form.remove();
      saveButton.focus();
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      ok.disabled = true;
      save(data, note.value).finally(() => {
        ok.disabled = false;
      });
    });
    note.focus();
  }

  // save sends the passage to the reader's list; once saved, the page is
  // loaded again at the passage, which the room now marks.
  async function save(data, note) {
    let message = "The passage could not be saved. Please try again.";
    try {
      const res = await fetch(article.dataset.save, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ article: article.dataset.slug, paragraph: data.paragraph, quote: data.quote, note }),
      });
      const body = await res.json();
      if (res.ok) {
        announce("Passage saved");
        history.replaceState(null, "", location.pathname + location.search + "#passage-" + body.id);
        location.reload();
        return;
      }
      if (body && body.error && body.error.message) message = body.error.message;
    } catch {
      // The message above says it.
    }
    let error = bar.querySelector(".share-error");
    if (!error) {
      error = document.createElement("p");
      error.className = "share-error";
      error.setAttribute("role", "alert");
      bar.append(error);
    }
    error.textContent = message;
  }

  function blockOf(node) {
    const el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    const block = el && el.closest(BLOCK);
    return block && article.contains(block) ? block : null;
  }

  // blockText is the text of a block without its links and buttons, and
  // the text nodes it is made of.
  function blockText(block) {
    const nodes = [];
    const walk = document.createTreeWalker(block, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => (n.parentElement.closest(NOT_TEXT) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
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

  // --- Where the reader has reached ----------------------------------------

  // The paragraph at the top of the window, or the last one once the end
  // is in view, is sent to the room at most every POSITION_EVERY ms, and
  // when the page is hidden; not before the reader first scrolls, so that
  // opening an article does not forget where they stopped. A scroll counts
  // only after the reader's own wheel, touch, key or pointer: the browser's
  // jump to a shared paragraph is not reading (and would mark the article
  // read when that paragraph is its last).
  if (article.dataset.position && "IntersectionObserver" in window) {
    const blocks = [...article.querySelectorAll(BLOCK)];
    const visible = new Set();
    let reached = "";
    let sent = "";
    let sentAt = 0;
    let scrolled = false;
    let pending = 0;
    const observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (e.isIntersecting) visible.add(e.target);
        else visible.delete(e.target);
      }
      const shown = blocks.filter((b) => visible.has(b));
      if (!shown.length) return;
      const end = shown.includes(blocks[blocks.length - 1]);
      reached = (end ? shown[shown.length - 1] : shown[0]).id.slice(2);
      schedule();
    });
    for (const b of blocks) observer.observe(b);
    let engaged = false;
    for (const type of ["wheel", "touchmove", "keydown", "pointerdown"]) {
      addEventListener(type, () => {
        engaged = true;
      }, { passive: true, capture: true });
    }
    addEventListener("scroll", () => {
      if (!engaged) return;
      scrolled = true;
      schedule();
    }, { passive: true });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") send();
    });

    function schedule() {
      if (!scrolled || pending || reached === sent) return;
      pending = setTimeout(send, Math.max(0, sentAt + POSITION_EVERY - Date.now()));
    }

    function send() {
      clearTimeout(pending);
      pending = 0;
      if (!scrolled || !reached || reached === sent) return;
      sent = reached;
      sentAt = Date.now();
      fetch(article.dataset.position, {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ paragraph: sent }),
        keepalive: true,
      }).catch(() => {
        sent = ""; // try again at the next chance
      });
    }
  }

  function announce(msg) {
    // Cleared first so that the same message twice is announced twice.
    live.textContent = "";
    setTimeout(() => {
      live.textContent = msg;
    }, 50);
  }
})();
