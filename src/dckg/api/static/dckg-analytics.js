// The analytics page: each figure is the answer of a named query, fetched from this
// server's /queries/{name} and drawn here (bar charts from dckg-charts.js, tables).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("dckg-analytics").textContent);

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (k) { node.setAttribute(k, attributes[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function value(row, name) { return row[name] ? row[name].value : ""; }
  function number(row, name) { var n = Number(value(row, name)); return isFinite(n) ? n : 0; }
  function shown(row, name) {
    var t = row[name];
    if (t && t.type === "literal" && /#(integer|decimal|double)$/.test(t.datatype || "")) {
      return Number(t.value).toLocaleString("en");
    }
    return t ? t.value : "";
  }
  // Where this server shows an IRI of the graph (its entity page), or null.
  function local(iri) {
    for (var i = 0; i < config.local.length; i++) {
      if (iri.indexOf(config.local[i][0]) === 0) {
        return config.local[i][1] + iri.slice(config.local[i][0].length);
      }
    }
    return null;
  }
  function objectiveLabel(row) {
    return [value(row, "notation"), value(row, "label")].filter(Boolean).join(" ");
  }
  function objectiveHref(row) { return row.objective ? local(row.objective.value) : null; }
  // What a column counts, in words ("funded actions", not "fundedActions").
  function words(column) { return config.words[column] || column; }
  function counted(figure) { return figure.value.split(" "); }

  // One bar chart per count column of the figure, each captioned with what it counts.
  function bars(figure, rows) {
    var area = figure.label === "areaLabel";
    var wrap = el("div", { "class": "chart-group" });
    counted(figure).forEach(function (column) {
      var chart = window.dckgCharts.bars(rows.map(function (r) {
        return {
          label: area ? value(r, "areaLabel") : objectiveLabel(r),
          value: number(r, column),
          text: shown(r, column),
          href: area ? (r.area ? local(r.area.value) : null) : objectiveHref(r),
        };
      }), words(column) + " by " + (area ? "priority area" : "objective"));
      chart.setAttribute("data-value", column);
      wrap.appendChild(chart);
    });
    return wrap;
  }

  function barsPer(figure, rows) {
    var groups = [];
    var byGroup = {};
    rows.forEach(function (r) {
      var g = value(r, figure.group);
      if (!byGroup[g]) { byGroup[g] = []; groups.push(g); }
      byGroup[g].push(r);
    });
    var wrap = el("div", { "class": "chart-group" });
    groups.forEach(function (g) {
      counted(figure).forEach(function (column) {
        var chart = window.dckgCharts.bars(byGroup[g].map(function (r) {
          return {
            label: objectiveLabel(r), value: number(r, column),
            text: shown(r, column), href: objectiveHref(r),
          };
        }), g + ": " + words(column) + " by objective");
        chart.setAttribute("data-group", g);
        chart.setAttribute("data-value", column);
        wrap.appendChild(chart);
      });
    });
    return wrap;
  }

  function matrix(figure, rows) {
    var columns = [];
    var lines = [];
    var cells = {};
    var counts = counted(figure);
    rows.forEach(function (r) {
      var line = objectiveLabel(r);
      var column = value(r, figure.group);
      if (columns.indexOf(column) < 0) { columns.push(column); }
      if (!cells[line]) { cells[line] = { row: r }; lines.push(line); }
      cells[line][column] = r;
    });
    var table = el("table", { "class": "results matrix" });
    var head = el("tr");
    head.appendChild(el("th", { scope: "col" }, "objective"));
    columns.forEach(function (c) { head.appendChild(el("th", { scope: "col" }, c + " (" + counts.map(words).join(" / ") + ")")); });
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    lines.forEach(function (line) {
      var tr = body.appendChild(el("tr"));
      var th = tr.appendChild(el("th", { scope: "row" }));
      var href = objectiveHref(cells[line].row);
      th.appendChild(href ? el("a", { href: href }, line) : document.createTextNode(line));
      columns.forEach(function (c) {
        var r = cells[line][c];
        var td = tr.appendChild(el("td", { "class": "number", "data-region": c }));
        counts.forEach(function (name) { td.setAttribute("data-" + name, r ? value(r, name) : "0"); });
        td.textContent = counts.map(function (name) { return r ? shown(r, name) : "0"; }).join(" / ");
        if (r && counts.every(function (name) { return number(r, name) === 0; })) { td.className += " zero"; }
      });
    });
    var wrap = el("div", { "class": "table-wrap" });
    wrap.appendChild(table);
    return wrap;
  }

  function table(figure, rows) {
    var t = el("table", { "class": "results" });
    var head = el("tr");
    figure.columns.forEach(function (c) { head.appendChild(el("th", { scope: "col", "data-column": c }, words(c))); });
    t.appendChild(el("thead")).appendChild(head);
    var body = t.appendChild(el("tbody"));
    rows.forEach(function (r) {
      var tr = body.appendChild(el("tr"));
      figure.columns.forEach(function (c) {
        var td = tr.appendChild(el("td", { "data-column": c }));
        var href = c === "label" ? objectiveHref(r) : null;
        td.appendChild(href ? el("a", { href: href }, shown(r, c)) : document.createTextNode(shown(r, c)));
      });
    });
    var wrap = el("div", { "class": "table-wrap" });
    wrap.appendChild(t);
    return wrap;
  }

  var DRAW = { bars: bars, "bars-per": barsPer, matrix: matrix, table: table };
  var answers = {};

  function fetchAnswer(figure) {
    if (!answers[figure.query]) {
      answers[figure.query] = fetch(figure.answer, {
        headers: { Accept: "application/sparql-results+json" },
      }).then(function (response) {
        return response.text().then(function (body) {
          if (!response.ok) { throw new Error("error " + response.status + ": " + body); }
          return JSON.parse(body);
        });
      });
    }
    return answers[figure.query];
  }

  config.figures.forEach(function (figure) {
    var section = document.getElementById("figure-" + figure.id);
    var target = section.querySelector(".figure-body");
    fetchAnswer(figure).then(function (data) {
      var rows = (data.results && data.results.bindings) || [];
      target.replaceChildren();
      if (!rows.length) {
        target.appendChild(el("p", { "class": "result-info" }, "No rows: nothing in the graph answers this yet."));
      } else {
        target.appendChild(DRAW[figure.kind](figure, rows));
        if (figure.kind === "bars" && figure.columns.length) { target.appendChild(table(figure, rows)); }
      }
      section.setAttribute("data-ready", "true");
    }).catch(function (error) {
      target.replaceChildren(el("p", { "class": "error" }, "The query could not be run: " + error));
      section.setAttribute("data-ready", "error");
    });
  });
})();
