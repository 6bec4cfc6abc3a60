// Suggests jobcenter names while a filter's jobcenter field is typed into: asks the server
// for the names of the jobcenters the user may see that contain the text (at most 20) and
// puts them into the field's <datalist>, which the browser offers below the field (arrow
// keys and Enter choose one). Without JavaScript the field takes the name as typed.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-names-url]");
  Array.prototype.forEach.call(inputs, function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) {
      return;
    }
    var timer = null;
    var asked = "";

    function suggest() {
      var search = input.value.trim();
      if (search.length < 2 || search === asked) {
        return;
      }
      asked = search;
      var url = input.getAttribute("data-names-url") + "?q=" + encodeURIComponent(search);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : { names: [] };
        })
        .then(function (data) {
          if (input.value.trim() !== search) {
            return; // typed on meanwhile: a newer answer comes
          }
          var options = document.createDocumentFragment();
          data.names.forEach(function (name) {
            var option = document.createElement("option");
            option.value = name;
            options.appendChild(option);
          });
          list.replaceChildren(options);
        })
        .catch(function () {
          asked = ""; // offline for a moment: ask again on the next key
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 200);
    });
  });
})();
