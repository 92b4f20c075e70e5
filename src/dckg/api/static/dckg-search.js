// The search box of the web page: asks /search as one types, lists what it finds, each
// linked to its page under /id/.
(function () {
  'use strict';
  var form = document.getElementById('entity-search');
  if (!form) { return; }
  var input = form.querySelector('input[name=q]');
  var list = document.getElementById('entity-search-results');
  var action = form.getAttribute('action');
  var timer = null;
  var sent = 0;

  function item(r) {
    var li = document.createElement('li');
    var a = document.createElement('a');
    a.href = r.url;
    a.textContent = r.label;
    li.appendChild(a);
    var facts = [r.types.length ? r.types[0] : '', r.country || ''];
    if (r.population) { facts.push('pop. ' + r.population.toLocaleString('en')); }
    if (r.matched !== r.label) { facts.push('“' + r.matched + '”'); }
    var span = document.createElement('span');
    span.className = 'facts';
    span.textContent = ' ' + facts.filter(Boolean).join(', ');
    li.appendChild(span);
    return li;
  }

  function show(results) {
    list.textContent = '';
    if (!results.length) {
      var none = document.createElement('li');
      none.textContent = 'Nothing of that name.';
      list.appendChild(none);
    }
    results.forEach(function (r) { list.appendChild(item(r)); });
  }

  function run() {
    var q = input.value.trim();
    var mine = ++sent;
    if (!q) { list.textContent = ''; return; }
    fetch(action + '?limit=10&q=' + encodeURIComponent(q), { headers: { Accept: 'application/json' } })
      .then(function (response) { return response.json(); })
      .then(function (body) { if (mine === sent) { show(body.results || []); } });
  }

  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(run, 200);
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    run();
  });
})();
