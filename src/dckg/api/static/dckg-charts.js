// Bar charts drawn as plain HTML (no library, nothing fetched): one labelled bar per row,
// scaled to the largest value. Shared by the front page (answers of the named queries)
// and the analytics page.
(function () {
  "use strict";

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (k) { node.setAttribute(k, attributes[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // items: [{label, value (a number), text (the value as shown), href (optional)}]
  function bars(items, caption) {
    var top = Math.max.apply(null, items.map(function (i) { return i.value; }).concat([0]));
    var chart = el("figure", { "class": "chart" });
    chart.appendChild(el("figcaption", {}, caption));
    items.forEach(function (item) {
      var line = chart.appendChild(el("div", { "class": "bar-row" }));
      var label = line.appendChild(el("span", { "class": "bar-label", title: item.label }));
      if (item.href) { label.appendChild(el("a", { href: item.href }, item.label)); }
      else { label.textContent = item.label; }
      var track = line.appendChild(el("span", { "class": "bar-track" }));
      var bar = track.appendChild(el("span", { "class": "bar" }));
      bar.style.width = (top > 0 ? Math.max(0, item.value / top) * 100 : 0).toFixed(2) + "%";
      line.appendChild(el("span", { "class": "bar-value" }, item.text));
    });
    return chart;
  }

  window.dckgCharts = { bars: bars };
})();
