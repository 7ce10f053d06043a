"use strict";
// The review page: a list of articles, and one article's text with every evidence span
// highlighted beside its records. All data is in the page; nothing is fetched.
(function () {
  const PAGE_SIZE = 100;
  const $ = (id) => document.getElementById(id);
  const index = JSON.parse($("index").textContent);
  const state = { shown: index, page: 0, current: null, detail: null, hidden: new Set() };

  // Records count offsets in Python code points; JavaScript strings count UTF-16 units, in which
  // a character outside the Basic Multilingual Plane (an emoji, a flag) is two. unitOffsets(text)[i]
  // is the UTF-16 offset of code point i, for i from 0 to the number of code points.
  function unitOffsets(text) {
    const offsets = [0];
    let unit = 0;
    for (const character of text) {
      unit += character.length;
      offsets.push(unit);
    }
    return offsets;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function plural(count, word) {
    return `${count} ${word}${count === 1 ? "" : "s"}`;
  }

  // -- the list ------------------------------------------------------------------------------

  function fillSelect(id, values) {
    const select = $(id);
    for (const value of [...new Set(values)].sort()) {
      const option = element("option", null, value);
      option.value = value;
      select.appendChild(option);
    }
  }

  function applyFilters() {
    const query = $("search").value.trim().toLowerCase();
    const status = $("f-status").value, buyer = $("f-buyer").value;
    const seller = $("f-seller").value, stage = $("f-stage").value;
    const warned = $("f-warned").checked;
    state.shown = index.filter((a) =>
      (!status || a.status === status) &&
      (!buyer || a.buyers.includes(buyer)) &&
      (!seller || a.sellers.includes(seller)) &&
      (!stage || a.stages.includes(stage)) &&
      (!warned || a.warnings > 0) &&
      (!query || a.search.includes(query)));
    state.page = 0;
    drawList();
  }

  function drawList() {
    const list = $("list");
    list.replaceChildren();
    const pages = Math.max(1, Math.ceil(state.shown.length / PAGE_SIZE));
    state.page = Math.min(state.page, pages - 1);
    const start = state.page * PAGE_SIZE;
    for (const entry of state.shown.slice(start, start + PAGE_SIZE)) {
      const row = element("li");
      row.dataset.n = entry.n;
      row.dataset.id = entry.id;
      row.dataset.status = entry.status;
      if (entry.n === state.current) row.classList.add("current");
      row.appendChild(element("span", "badge " + entry.status, entry.status));
      row.appendChild(element("span", "title", entry.title));
      row.appendChild(element("br"));
      row.appendChild(element("span", "counts",
        [plural(entry.sales, "sale"), plural(entry.claims, "claim"), plural(entry.warnings, "warning")].join(" · ")));
      if (entry.error) row.appendChild(element("span", "reason", entry.error));
      row.addEventListener("click", () => openArticle(entry.n));
      list.appendChild(row);
    }
    $("list-count").textContent = `${state.shown.length} of ${index.length} articles`;
    $("page").textContent = `page ${state.page + 1} of ${pages}`;
    $("prev").disabled = state.page === 0;
    $("next").disabled = state.page >= pages - 1;
  }

  // -- one article ---------------------------------------------------------------------------

  function openArticle(n) {
    state.current = n;
    const detail = JSON.parse($("d" + n).textContent);
    state.detail = detail;
    for (const row of $("list").children) row.classList.toggle("current", Number(row.dataset.n) === n);
    drawHead(detail);
    drawWarnings(detail);
    drawText(detail);
    drawCards(detail);
    drawProvenance(detail);
    if (location.hash !== "#a" + n) history.replaceState(null, "", "#a" + n);
  }

  function drawHead(detail) {
    const head = $("article-head");
    head.replaceChildren();
    const title = element("h2");
    title.appendChild(element("span", "badge " + detail.status, detail.status));
    title.appendChild(document.createTextNode(detail.id));
    head.appendChild(title);
    const meta = Object.entries(detail.meta || {}).map(([k, v]) => `${k}: ${v}`);
    if (detail.source) meta.unshift(`source: ${detail.source}`);
    head.appendChild(element("div", "meta", meta.join(" · ")));
  }

  function drawWarnings(detail) {
    const items = [...detail.warnings];
    if (detail.error) items.unshift(`${detail.status}: ${detail.error}`);
    if (detail.no_sale) items.unshift(`no sale: ${detail.no_sale}`);
    const list = $("warning-list");
    list.replaceChildren(...items.map((w) => element("li", null, w)));
    $("warnings").classList.toggle("empty", items.length === 0);
    if (!items.length) list.appendChild(element("li", null, "none"));
  }

  function drawText(detail) {
    const box = $("text");
    box.replaceChildren();
    if (detail.text === null) {
      box.textContent = "(no text: the article was not extracted; the reason is above)";
      return;
    }
    const text = detail.text;
    const units = unitOffsets(text);
    const spans = detail.spans
      .map(([start, end, kind, record], i) => ({ i, a: units[start], b: units[end], kind, record }))
      .filter((s) => s.a !== undefined && s.b !== undefined && s.a < s.b && !state.hidden.has(s.kind));
    const cuts = new Set([0, text.length]);
    const starting = new Map(), ending = new Map();
    for (const s of spans) {
      cuts.add(s.a); cuts.add(s.b);
      if (!starting.has(s.a)) starting.set(s.a, []);
      starting.get(s.a).push(s);
      if (!ending.has(s.b)) ending.set(s.b, []);
      ending.get(s.b).push(s);
    }
    const bounds = [...cuts].sort((x, y) => x - y);
    const fragment = document.createDocumentFragment();
    const active = new Set();  // the spans over the current piece: a sweep, not a search per piece
    for (let k = 0; k + 1 < bounds.length; k++) {
      const a = bounds[k], b = bounds[k + 1];
      for (const s of ending.get(a) || []) active.delete(s);
      for (const s of starting.get(a) || []) active.add(s);
      const piece = text.slice(a, b);
      // Nested and crossing spans: each piece between two boundaries carries every span over it.
      const over = [...active];
      if (!over.length) { fragment.appendChild(document.createTextNode(piece)); continue; }
      over.sort((x, y) => (x.b - x.a) - (y.b - y.a));  // the innermost span gives the colour
      const mark = element("mark", "k-" + over[0].kind + (over.length > 1 ? " stacked" : ""), piece);
      mark.dataset.spans = over.map((s) => s.i).join(" ");
      mark.dataset.records = [...new Set(over.map((s) => s.record))].join(" ");
      mark.title = [...new Set(over.map((s) => `${s.kind}: ${detail.records[s.record].id}`))].join("\n");
      mark.addEventListener("click", (event) => { event.stopPropagation(); selectRecords(over.map((s) => s.record), "mark"); });
      fragment.appendChild(mark);
    }
    box.appendChild(fragment);
  }

  function drawCards(detail) {
    const cards = $("cards");
    cards.replaceChildren();
    if (!detail.records.length && detail.text !== null) cards.appendChild(element("p", "note", "No records."));
    detail.records.forEach((record, r) => {
      const card = element("div", "card " + record.type);
      card.dataset.record = r;
      const heading = element("h3", null, record.title + " ");
      heading.appendChild(element("span", "rid", record.id));
      card.appendChild(heading);
      const fields = element("dl");
      for (const [name, value] of record.fields) {
        fields.appendChild(element("dt", null, name));
        fields.appendChild(element("dd", null, value));
      }
      card.appendChild(fields);
      card.addEventListener("click", () => selectRecords([r], "card"));
      card.addEventListener("mouseenter", () => markRecords([r], "hover"));
      card.addEventListener("mouseleave", () => markRecords([], "hover"));
      cards.appendChild(card);
    });
  }

  function drawProvenance(detail) {
    const table = $("provenance-table");
    table.replaceChildren();
    for (const [name, value] of Object.entries(detail.provenance)) {
      if (value === null || value === undefined) continue;
      const row = element("tr");
      row.appendChild(element("td", null, name));
      row.appendChild(element("td", null, value === true ? "yes" : value === false ? "no" : value));
      table.appendChild(row);
    }
  }

  // Marks and cards of the given records get `cls`; the others lose it.
  function markRecords(records, cls) {
    const wanted = new Set(records.map(String));
    let first = null;
    for (const mark of $("text").querySelectorAll("mark")) {
      const on = mark.dataset.records.split(" ").some((r) => wanted.has(r));
      mark.classList.toggle(cls, on);
      if (on && !first) first = mark;
    }
    let firstCard = null;
    for (const card of $("cards").children) {
      const on = wanted.has(card.dataset.record);
      card.classList.toggle(cls, on);
      if (on && !firstCard) firstCard = card;
    }
    return { first, firstCard };
  }

  function selectRecords(records, from) {
    const { first, firstCard } = markRecords(records, "on");
    if (from === "card" && first) first.scrollIntoView({ block: "center" });
    if (from === "mark" && firstCard) firstCard.scrollIntoView({ block: "nearest" });
  }

  // -- start ---------------------------------------------------------------------------------

  // A chip of the legend hides or shows the highlights of its kind (actors mark every "US").
  for (const chip of document.querySelectorAll("#legend .chip")) {
    chip.addEventListener("click", () => {
      const kind = chip.dataset.kind;
      if (state.hidden.has(kind)) state.hidden.delete(kind); else state.hidden.add(kind);
      chip.classList.toggle("off", state.hidden.has(kind));
      if (state.detail) drawText(state.detail);
    });
  }
  fillSelect("f-status", index.map((a) => a.status));
  fillSelect("f-buyer", index.flatMap((a) => a.buyers));
  fillSelect("f-seller", index.flatMap((a) => a.sellers));
  fillSelect("f-stage", index.flatMap((a) => a.stages));
  for (const id of ["f-status", "f-buyer", "f-seller", "f-stage", "f-warned"]) $(id).addEventListener("change", applyFilters);
  $("search").addEventListener("input", applyFilters);
  $("prev").addEventListener("click", () => { state.page -= 1; drawList(); });
  $("next").addEventListener("click", () => { state.page += 1; drawList(); });
  drawList();
  const wanted = /^#a(\d+)$/.exec(location.hash);
  const first = wanted && Number(wanted[1]) < index.length ? Number(wanted[1]) : (index.length ? 0 : null);
  if (first !== null) openArticle(first);
  else $("article-head").textContent = "This run has no articles.";
  window.reviewReady = performance.now();
  document.body.dataset.ready = "1";
})();
