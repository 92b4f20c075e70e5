// The form for data stewards (/contribute): validate a file (POST /validate), merge it
// (POST /contributions), list and withdraw contributions (GET, DELETE /contributions).
// The file goes as it is, with the media type of its extension; the token only in the
// Authorization header, never in a URL, and it is not stored.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("dckg-config").textContent);
  var root = config.root;
  var result = document.getElementById("contribution-result");
  var listing = document.getElementById("contribution-list");

  function $(id) { return document.getElementById(id); }

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (k) { node.setAttribute(k, attributes[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function say(panel, text, cls) {
    panel.replaceChildren(el("p", { "class": cls || "result-info" }, text));
  }

  function chosenFile() {
    var file = $("contribution-file").files[0];
    if (!file) { say(result, "Choose a file first.", "error"); return null; }
    var dot = file.name.lastIndexOf(".");
    var media = config.extensions[dot >= 0 ? file.name.slice(dot).toLowerCase() : ""];
    if (!media) {
      say(result, file.name + ": not a file this form reads (" +
        Object.keys(config.extensions).join(", ") + ").", "error");
      return null;
    }
    return { file: file, media: media };
  }

  function token() {
    var value = $("contribution-token").value.trim();
    if (!value) { say(result, "Give the write token.", "error"); }
    return value;
  }

  // An answer as JSON (the API's errors are JSON when JSON is asked for).
  function send(method, url, options) {
    var headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    return fetch(url, { method: method, headers: headers, body: options.body })
      .then(function (response) {
        return response.text().then(function (text) {
          var data = null;
          try { data = JSON.parse(text); } catch (e) { data = { message: text }; }
          return { status: response.status, ok: response.ok, data: data };
        });
      });
  }

  function showReport(report, heading) {
    result.replaceChildren(el("h2", {}, heading));
    var summary = report.conforms
      ? "Conforms" + (report.warnings ? " (" + report.warnings + " warning" + (report.warnings === 1 ? "" : "s") + ")" : "") + "."
      : report.violations + " violation" + (report.violations === 1 ? "" : "s") + ": nothing was written.";
    result.appendChild(el("p", { "class": "result-info report-summary" }, summary));
    if (!report.results || !report.results.length) { return; }
    var table = el("table", { "class": "results report" });
    var head = el("tr");
    ["where", "field", "severity", "message"].forEach(function (h) { head.appendChild(el("th", { scope: "col" }, h)); });
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    report.results.forEach(function (r) {
      var tr = body.appendChild(el("tr"));
      tr.appendChild(el("td", {}, [r.source, r.location].filter(Boolean).join(", ")));
      tr.appendChild(el("td", {}, r.field || ""));
      tr.appendChild(el("td", {}, r.severity));
      tr.appendChild(el("td", {}, r.message));
    });
    result.appendChild(el("div", { "class": "table-wrap" })).appendChild(table);
  }

  function failed(answer) {
    say(result, "Error " + answer.status + ": " + (answer.data.message || ""), "error");
  }

  $("validate").addEventListener("click", function () {
    var chosen = chosenFile();
    if (!chosen) { return; }
    say(result, "Validating " + chosen.file.name + "…");
    var url = root + "/validate?" + new URLSearchParams({ name: chosen.file.name });
    send("POST", url, { body: chosen.file, headers: { "Content-Type": chosen.media } })
      .then(function (answer) {
        if (!answer.ok) { failed(answer); return; }
        showReport(answer.data, "Validation of " + chosen.file.name);
      })
      .catch(function (error) { say(result, "The file could not be sent: " + error, "error"); });
  });

  $("contribute").addEventListener("click", function () {
    var chosen = chosenFile();
    if (!chosen) { return; }
    var by = $("contribution-by").value.trim();
    if (!by) { say(result, "Say who contributes.", "error"); return; }
    var secret = token();
    if (!secret) { return; }
    var params = new URLSearchParams({ by: by, name: chosen.file.name });
    var source = $("contribution-source").value.trim();
    var note = $("contribution-note").value.trim();
    if (source) { params.set("source_url", source); }
    if (note) { params.set("note", note); }
    say(result, "Contributing " + chosen.file.name + "…");
    send("POST", root + "/contributions?" + params, {
      body: chosen.file,
      headers: { "Content-Type": chosen.media, Authorization: "Bearer " + secret },
    }).then(function (answer) {
      if (answer.status === 201) {
        result.replaceChildren(el("h2", {}, "Merged"));
        var p = result.appendChild(el("p", { "class": "result-info merged" }));
        p.appendChild(document.createTextNode("Contribution "));
        p.appendChild(el("code", { "class": "contribution-id" }, answer.data.id));
        p.appendChild(document.createTextNode(" in the graph "));
        p.appendChild(el("code", {}, answer.data.graph));
        p.appendChild(document.createTextNode("."));
        return;
      }
      if (answer.status === 422 && answer.data.report) {
        showReport(answer.data.report, "Not merged: " + chosen.file.name);
        return;
      }
      failed(answer);
    }).catch(function (error) { say(result, "The file could not be sent: " + error, "error"); });
  });

  function list() {
    var secret = token();
    if (!secret) { return; }
    say(listing, "Listing the contributions…");
    send("GET", root + "/contributions", { headers: { Authorization: "Bearer " + secret } })
      .then(function (answer) {
        if (!answer.ok) {
          say(listing, "Error " + answer.status + ": " + (answer.data.message || ""), "error");
          return;
        }
        showList(answer.data.contributions, secret);
      });
  }

  function showList(items, secret) {
    listing.replaceChildren(el("h2", {}, "Contributions (" + items.length + ")"));
    if (!items.length) { listing.appendChild(el("p", { "class": "result-info" }, "None yet.")); return; }
    var table = el("table", { "class": "results contributions" });
    var head = el("tr");
    ["id", "when", "by", "triples", "files", "source", "note", ""].forEach(function (h) {
      head.appendChild(el("th", { scope: "col" }, h));
    });
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    items.forEach(function (c) {
      var tr = body.appendChild(el("tr", { "data-id": c.id }));
      [c.id, c.when, c.by, String(c.triples), c.files.join(", "), c.source || "", c.note || ""].forEach(function (v) {
        tr.appendChild(el("td", {}, v));
      });
      var button = el("button", { type: "button", "class": "withdraw" }, "Withdraw");
      button.addEventListener("click", function () { withdraw(c.id, secret); });
      tr.appendChild(el("td")).appendChild(button);
    });
    listing.appendChild(el("div", { "class": "table-wrap" })).appendChild(table);
  }

  function withdraw(id, secret) {
    if (!window.confirm("Withdraw contribution " + id + " and everything it added?")) { return; }
    send("DELETE", root + "/contributions/" + encodeURIComponent(id), {
      headers: { Authorization: "Bearer " + secret },
    }).then(function (answer) {
      if (!answer.ok) { failed(answer); return; }
      say(result, "Withdrew contribution " + id + " (" + answer.data.removed + " quads removed).");
      list();
    });
  }

  $("list").addEventListener("click", list);
})();
