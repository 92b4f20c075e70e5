// The front page: YASGUI on this server's /sparql, preloaded with the named queries.
// Nothing here talks to any other host: the completers that call public services are off.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("dckg-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  // The editor accepts a cut answer (at most the server's row and byte caps, marked by the
  // Dckg-Truncated header) rather than none: a browser tab cannot show more anyway.
  var request = { endpoint: endpoint, method: "POST", args: [{ name: "truncate", value: "true" }] };
  var examples = {};
  config.examples.forEach(function (e) { examples[e.name] = e; });
  var first = config.examples[0];

  // Forms: leave empty fields out (they mean "the default"), and say "false" for a
  // checkbox unticked against a default of true. "On this page" shows the answer below
  // the form (a table, and a chart or a map where the rows make one); the other formats
  // go to the API.
  function formParams(form) {
    var params = new URLSearchParams();
    form.querySelectorAll("input").forEach(function (input) {
      if (input.type === "checkbox") {
        if (input.checked) { params.append(input.name, "true"); }
        else if (input.dataset.default === "true") { params.append(input.name, "false"); }
      } else if (input.value !== "") {
        params.append(input.name, input.value);
      }
    });
    return params;
  }

  document.querySelectorAll("form.query").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var format = form.querySelector("select[name=format]");
      if (format && format.value === "page") {
        event.preventDefault();
        showResults(form);
        return;
      }
      form.querySelectorAll("input").forEach(function (input) {
        if (input.type === "checkbox") {
          if (!input.checked && input.dataset.default === "true") {
            var off = document.createElement("input");
            off.type = "hidden"; off.name = input.name; off.value = "false";
            off.className = "added"; form.appendChild(off);
          }
          input.disabled = !input.checked;
        } else if (input.value === "") {
          input.disabled = true;
        }
      });
      // Back to normal when the user comes back to the page.
      window.setTimeout(function () {
        form.querySelectorAll("input").forEach(function (input) { input.disabled = false; });
        form.querySelectorAll("input.added").forEach(function (input) { input.remove(); });
      }, 0);
    });
  });

  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = ["integer", "decimal", "double", "float", "long", "int", "short",
    "nonNegativeInteger", "positiveInteger"].map(function (t) { return XSD + t; });
  var WKT = "http://www.opengis.net/ont/geosparql#wktLiteral";
  var POINT = /POINT\s*\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)/i;

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (k) { node.setAttribute(k, attributes[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // A term as a person reads it: a link for an IRI (to its page here when it is the
  // graph's own), the bare value of a literal (no datatype, no language tag).
  function termNode(term) {
    if (!term) { return document.createTextNode(""); }
    if (term.type === "uri") {
      for (var i = 0; i < config.local.length; i++) {
        var pair = config.local[i];
        if (term.value.indexOf(pair[0]) === 0) {
          var rest = term.value.slice(pair[0].length);
          return el("a", { href: pair[1] + rest }, pair[1].slice(-1) === "#" ? "dckg:" + rest : rest);
        }
      }
      return el("a", { href: term.value, "class": "external", rel: "noopener noreferrer" }, term.value);
    }
    if (term.type === "bnode") { return document.createTextNode("_:" + term.value); }
    if (term.type === "literal" && NUMERIC.indexOf(term.datatype) >= 0) {
      var n = Number(term.value);
      return document.createTextNode(isFinite(n) ? n.toLocaleString("en") : term.value);
    }
    return document.createTextNode(term.value);
  }

  function termText(term) {
    return term ? termNode(term).textContent : "";
  }

  function resultsTable(vars, rows) {
    var table = el("table", { "class": "results" });
    var head = el("tr");
    vars.forEach(function (v) { head.appendChild(el("th", { scope: "col" }, v)); });
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    rows.forEach(function (row) {
      var tr = body.appendChild(el("tr"));
      vars.forEach(function (v) {
        var td = tr.appendChild(el("td"));
        if (row[v] && NUMERIC.indexOf(row[v].datatype) >= 0) { td.className = "number"; }
        td.appendChild(termNode(row[v]));
      });
    });
    return table;
  }

  // A bar chart for an aggregate: one column of labels, one of numbers, two rows or more.
  function barChart(text, vars, rows) {
    if (rows.length < 2 || !/\b(COUNT|SUM|AVG)\s*\(/i.test(text) || !/GROUP\s+BY/i.test(text)) {
      return null;
    }
    var numeric = vars.filter(function (v) {
      var bound = rows.filter(function (r) { return r[v]; });
      return bound.length > 0 && bound.every(function (r) { return NUMERIC.indexOf(r[v].datatype) >= 0; });
    });
    if (!numeric.length) { return null; }
    // The value: a column the query computes with COUNT or SUM (else the first number);
    // the label: the first other column, words rather than numbers where there are some.
    var computed = [];
    var alias = /\(\s*(?:COUNT|SUM)\s*\([^)]*\)\s+AS\s+\?(\w+)\s*\)/gi;
    var m;
    while ((m = alias.exec(text)) !== null) { computed.push(m[1]); }
    var value = numeric.filter(function (v) { return computed.indexOf(v) >= 0; })[0] || numeric[0];
    var others = vars.filter(function (v) {
      return v !== value && rows.some(function (r) { return r[v]; });
    });
    var words = others.filter(function (v) { return numeric.indexOf(v) < 0; });
    var key = words[0] || others[0];
    if (!key) { return null; }
    // A bar is named by the row's label where the query gives one (a column of text
    // beside the IRI, such as ?countryLabel beside ?country), else by the key itself.
    var names = labelColumns(words, rows);
    var shown = rows.slice(0, 30);
    var chart = window.dckgCharts.bars(shown.map(function (r) {
      var named = names.filter(function (v) { return r[v]; })[0];
      var link = r[key] && r[key].type === "uri" ? termNode(r[key]) : null;
      return {
        label: (named ? r[named].value : termText(r[key])) || "(none)",
        value: Number(r[value] ? r[value].value : 0),
        text: termText(r[value]),
        href: link && link.tagName === "A" ? link.getAttribute("href") : undefined,
      };
    }), value + " by " + (names[0] || key) + (rows.length > shown.length ? " (first " + shown.length + ")" : ""));
    return chart;
  }

  // The columns that name things: bound only to plain text (no IRI, number or date), those
  // called ...label or ...name first.
  function labelColumns(words, rows) {
    var text = words.filter(function (v) {
      var bound = rows.filter(function (r) { return r[v]; });
      return bound.length > 0 && bound.every(function (r) {
        var t = r[v];
        return t.type === "literal" && (!t.datatype || t.datatype === XSD + "string" ||
          t.datatype === "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString");
      });
    });
    var named = text.filter(function (v) { return /(label|name|title)$/i.test(v); });
    return named.concat(text.filter(function (v) { return named.indexOf(v) < 0; }));
  }

  // A map for rows with coordinates (a GeoSPARQL WKT point), drawn like the entity pages'.
  function pointMap(vars, rows) {
    var points = [];
    rows.forEach(function (r) {
      vars.forEach(function (v) {
        var t = r[v];
        var m = t && t.type === "literal" && t.datatype === WKT && POINT.exec(t.value);
        if (!m) { return; }
        var place = vars.map(function (w) { return r[w]; }).filter(function (x) { return x && x.type === "uri"; })[0];
        var name = vars.map(function (w) { return r[w]; }).filter(function (x) {
          return x && x.type === "literal" && NUMERIC.indexOf(x.datatype) < 0 && x.datatype !== WKT;
        })[0];
        points.push({ lon: Number(m[1]), lat: Number(m[2]), place: place, name: name });
      });
    });
    points = points.filter(function (p) { return isFinite(p.lon) && isFinite(p.lat); });
    if (!points.length) { return null; }
    var lons = points.map(function (p) { return p.lon; });
    var lats = points.map(function (p) { return p.lat; });
    var mid = (Math.max.apply(null, lats) + Math.min.apply(null, lats)) / 2;
    var k = Math.max(Math.cos(mid * Math.PI / 180), 0.3);
    var width = Math.max((Math.max.apply(null, lons) - Math.min.apply(null, lons)) * k * 1.4 + 4, 24);
    var height = Math.max((Math.max.apply(null, lats) - Math.min.apply(null, lats)) * 1.4 + 2, 12);
    width = Math.max(width, height * 2); height = Math.max(height, width / 2);
    var cx = (Math.max.apply(null, lons) + Math.min.apply(null, lons)) / 2 * k;
    var NS = "http://www.w3.org/2000/svg";
    function svg(tag, attributes) {
      var node = document.createElementNS(NS, tag);
      Object.keys(attributes).forEach(function (a) { node.setAttribute(a, attributes[a]); });
      return node;
    }
    var map = svg("svg", {
      "class": "map", role: "img", "aria-label": "Map of the results",
      viewBox: [cx - width / 2, -mid - height / 2, width, height].map(function (x) { return x.toFixed(3); }).join(" "),
      preserveAspectRatio: "xMidYMid meet",
    });
    map.appendChild(svg("rect", { "class": "sea", x: -1000, y: -1000, width: 2000, height: 2000 }));
    map.appendChild(svg("image", {
      href: config.world, x: -180 * k, y: -90, width: 360 * k, height: 180, preserveAspectRatio: "none",
    }));
    points.forEach(function (p) {
      var dot = svg("circle", { "class": "near", cx: (p.lon * k).toFixed(4), cy: (-p.lat).toFixed(4), r: (width / 120).toFixed(4) });
      var title = svg("title", {});
      title.textContent = (p.name ? p.name.value + " " : "") + "(" + p.lat.toFixed(4) + ", " + p.lon.toFixed(4) + ")";
      dot.appendChild(title);
      var link = p.place && termNode(p.place);
      if (link && link.tagName === "A" && !link.classList.contains("external")) {
        var a = svg("a", { href: link.getAttribute("href") });
        a.appendChild(dot);
        map.appendChild(a);
      } else {
        map.appendChild(dot);
      }
    });
    return map;
  }

  function showResults(form, extra) {
    var name = form.id.replace(/^query-/, "");
    var panel = document.getElementById("results-" + name);
    if (!panel) {
      panel = el("section", { "class": "results-panel", id: "results-" + name, "aria-live": "polite" });
      form.after(panel);
    }
    panel.replaceChildren(el("p", { "class": "result-info" }, "Running " + name + "…"));
    var params = formParams(form);
    (extra || []).forEach(function (pair) { params.append(pair[0], pair[1]); });
    var url = form.getAttribute("action") + (params.toString() ? "?" + params.toString() : "");
    function download(format, label) {
      var target = new URLSearchParams(params);
      target.set("format", format);
      return el("a", { "class": "button", href: form.getAttribute("action") + "?" + target.toString(), download: name + "." + format }, label);
    }
    fetch(url, { headers: { Accept: "application/sparql-results+json" } }).then(function (response) {
      return response.text().then(function (body) { return [response, body]; });
    }).then(function (answer) {
      var response = answer[0];
      panel.replaceChildren(el("h3", {}, "Results of " + name));
      if (!response.ok) {
        panel.appendChild(el("p", { "class": "error" }, "Error " + response.status + ": " + answer[1]));
        return;
      }
      var data = JSON.parse(answer[1]);
      var vars = data.head.vars;
      var rows = (data.results && data.results.bindings) || [];
      var cut = response.headers.get("Dckg-Truncated");
      var info = panel.appendChild(el("p", { "class": "result-info" }));
      if (!rows.length) {
        info.textContent = "No rows: the graph holds nothing that matches these parameters. " +
          "See what it covers in ";
        info.appendChild(el("a", { href: config.coverage.href }, config.coverage.text));
        info.appendChild(document.createTextNode("."));
        return;
      }
      info.textContent = cut
        ? "First " + rows.length.toLocaleString("en") + " rows of more than " + rows.length.toLocaleString("en") + " (the server's limit); download or page through the API for all of them."
        : rows.length.toLocaleString("en") + (rows.length === 1 ? " row" : " rows");
      var actions = panel.appendChild(el("p", { "class": "downloads" }, "Download: "));
      actions.appendChild(download("csv", "CSV"));
      actions.appendChild(download("json", "JSON"));
      var share = panel.appendChild(el("p", { "class": "share" }, "To share: "));
      share.appendChild(el("a", { "class": "permalink", href: url }, "a link to these results"));
      var example = examples[name];
      var chart = barChart(example ? example.text : "", vars, rows);
      if (chart) { panel.appendChild(chart); }
      var map = pointMap(vars, rows);
      if (map) { panel.appendChild(map); }
      var wrap = panel.appendChild(el("div", { "class": "table-wrap" }));
      wrap.appendChild(resultsTable(vars, rows));
    }).catch(function (error) {
      panel.replaceChildren(el("p", { "class": "error" }, "The query could not be run: " + error));
    });
  }

  // A shared link to a named query (/queries/NAME?…) opened in a browser: its form,
  // filled in with the link's parameters, run on this page. A link the server found
  // wrong (shared.error) is filled in but not run: the page shows the error beside it.
  function openShared(shared) {
    var form = document.getElementById("query-" + shared.name);
    if (!form) { return; }
    var extra = [];
    form.querySelectorAll("input").forEach(function (input) {
      if (input.type === "checkbox") { input.checked = false; } else { input.value = ""; }
    });
    shared.params.forEach(function (pair) {
      var input = form.querySelector("input[name=\"" + CSS.escape(pair[0]) + "\"]");
      if (!input) { extra.push(pair); }
      else if (input.type === "checkbox") { input.checked = pair[1] === "true" || pair[1] === "1"; }
      else { input.value = pair[1]; }
    });
    form.querySelectorAll("input[type=checkbox]").forEach(function (input) {
      var given = shared.params.some(function (pair) { return pair[0] === input.name; });
      if (!given) { input.checked = input.dataset.default === "true"; }
    });
    if (!shared.error) { showResults(form, extra); }
    form.scrollIntoView();
  }
  if (config.shared && config.shared.kind === "named") { openShared(config.shared); }

  // IRIs of the graph in the results open here, not at w3id.org: rewrite a link to its
  // local page as soon as a pointer or the keyboard reaches it.
  function localise(event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link) { return; }
    var href = link.getAttribute("href");
    config.local.forEach(function (pair) {
      if (href.indexOf(pair[0]) === 0) {
        link.setAttribute("href", pair[1] + href.slice(pair[0].length));
        link.removeAttribute("target");
      }
    });
  }
  ["pointerdown", "focusin", "mouseover"].forEach(function (type) {
    document.addEventListener(type, localise, true);
  });

  var Yasgui = window.Yasgui && (window.Yasgui.default || window.Yasgui);
  var container = document.getElementById("yasgui");
  if (!Yasgui || !container) { return; }
  // Only local completers: prefixes (a list in the bundle) and variables of the query.
  // The class and property completers ask a public vocabulary service: never.
  var local = ["prefixes", "variables"];
  Yasgui.Yasqe.defaults.autocompleters = local.slice();
  Yasgui.defaults.yasqe.autocompleters = local.slice();

  var sharedQuery = config.shared && config.shared.kind === "sparql" ? config.shared : null;
  var yasgui = new Yasgui(container, {
    requestConfig: request,
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: "dckg-yasgui",
    // The page's own URL is read below when it is a shared /sparql?query=… link.
    populateFromUrl: !config.shared,
    yasqe: first ? { value: first.text } : {},
  });
  window.dckgYasgui = yasgui;

  // A shared link to /sparql?query=… opened in a browser: the query in a new tab, run.
  if (sharedQuery) {
    var sharedTab = yasgui.addTab(true, {
      name: "Shared query",
      yasqe: { value: sharedQuery.query },
      // The editor's own request settings, with the link's dataset as plain arguments
      // (YASGUI 4.6 sends its defaultGraphs setting under the named graphs' values).
      requestConfig: Object.assign({}, yasgui.config.requestConfig, {
        args: (yasgui.config.requestConfig.args || []).concat(
          sharedQuery.defaultGraphs.map(function (g) { return { name: "default-graph-uri", value: g }; }),
          sharedQuery.namedGraphs.map(function (g) { return { name: "named-graph-uri", value: g }; })
        ),
      }),
    });
    sharedTab.show();
    sharedTab.setQuery(sharedQuery.query);
    sharedTab.query().catch(function () { /* YASR shows the error */ });
  }

  function open(name) {
    var example = examples[name];
    if (!example) { return; }
    var tab = yasgui.addTab(true, {
      name: example.name,
      yasqe: { value: example.text },
      requestConfig: request,
    });
    tab.show();
    tab.setQuery(example.text);
    container.scrollIntoView({ behavior: "smooth" });
  }

  var select = document.getElementById("example");
  document.getElementById("example-open").addEventListener("click", function () {
    open(select.value);
  });
  select.addEventListener("change", function () {
    var tab = yasgui.getTab();
    var example = examples[select.value];
    if (tab && example) {
      tab.setQuery(example.text);
      tab.setName(example.name);
    }
  });
  document.querySelectorAll("button.to-editor").forEach(function (button) {
    button.addEventListener("click", function () { open(button.dataset.query); });
  });
})();
