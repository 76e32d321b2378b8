(function () {
  var input = document.getElementById('search');
  var count = document.getElementById('match-count');
  var items = Array.prototype.slice.call(document.querySelectorAll('#articles li'));
  input.addEventListener('input', function () {
    var q = input.value.trim().toLowerCase();
    var n = 0;
    items.forEach(function (li) {
      var hit = !q || li.textContent.toLowerCase().indexOf(q) !== -1;
      li.hidden = !hit;
      if (hit) n++;
    });
    count.textContent = q ? n + ' articles match \u201c' + input.value.trim() + '\u201d' : items.length + ' articles';
  });
})();
