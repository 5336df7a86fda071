/* Draws the page's Plotly charts (templates/ui/_plotly.html) once Plotly's script has loaded.
 *
 * Plotly (4.8 MB, about 1.5 MB compressed) is fetched only on pages that have a chart, after the
 * page itself, so it never holds up the first paint. A chart swapped in by htmx is drawn too. A
 * point whose customdata is a site URL (it starts with "/") opens that page when clicked: the
 * dashboard's bars lead to the records they count.
 */
(function () {
  if (window.jinjinCharts) return;
  window.jinjinCharts = true;

  function draw() {
    document.querySelectorAll("[data-plotly-chart]:not([data-drawn])").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-plotly-chart"));
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      var layout = figure.layout || {};
      layout.font = Object.assign({ family: getComputedStyle(document.body).fontFamily, size: 12 }, layout.font || {});
      element.setAttribute("data-drawn", "");
      window.Plotly.newPlot(element, figure.data, layout,
        Object.assign({ displayModeBar: false, responsive: true }, figure.config || {})).then(function () {
        element.on("plotly_click", function (event) {
          var url = event.points && event.points[0] && event.points[0].customdata;
          if (typeof url === "string" && url.charAt(0) === "/") window.location.href = url;
        });
      });
    });
  }

  function load() {
    if (!document.querySelector("[data-plotly-chart]")) return;
    if (window.Plotly) { draw(); return; }
    var library = document.querySelector("script[data-plotly-library]");
    if (!library) {
      var marker = document.querySelector("[data-plotly-src]");
      library = document.createElement("script");
      library.src = marker.getAttribute("data-plotly-src");
      library.async = true;
      library.setAttribute("data-plotly-library", "");
      document.head.appendChild(library);
    }
    library.addEventListener("load", draw);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", load);
  else load();
  document.addEventListener("htmx:afterSettle", load);
})();
