// Search-as-you-type: fills the <datalist> of a search field with titles
// from /api/v1/search/suggest (of one kind when data-suggest names it).
// Without JavaScript the field works as is.
(function () {
  'use strict';
  var fields = document.querySelectorAll('input[data-suggest]');
  Array.prototype.forEach.call(fields, function (input) {
    var list = document.getElementById(input.getAttribute('list'));
    if (!list) return;
    var lang = document.documentElement.lang === 'en' ? 'en' : 'fi';
    var timer = null;
    var last = '';
    input.addEventListener('input', function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2 || q === last) return;
      timer = setTimeout(function () {
        last = q;
        var kind = input.getAttribute('data-suggest');
        var url = '/api/v1/search/suggest?lang=' + lang + '&q=' + encodeURIComponent(q) +
          (kind ? '&kind=' + encodeURIComponent(kind) : '');
        fetch(url, { headers: { Accept: 'application/json' } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (items) {
            while (list.firstChild) list.removeChild(list.firstChild);
            items.forEach(function (item) {
              var option = document.createElement('option');
              option.value = item.title;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 150);
    });
  });
})();
