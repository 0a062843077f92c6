package dev.vivarium.node.experiment;

import dev.vivarium.drs.sim.Simulation;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * report.html: the summary table, charts drawn by JFreeChart (load per host and the imbalance
 * over time with migrations and failures marked, demanded against delivered per VM, ready
 * time), and the migrations and events of the run. Charts are PNG files beside the page.
 */
final class Report {

    /** The charts' file names, in the order the page shows them. */
    static final List<String> CHARTS = List.of("load.png", "imbalance.png", "vms.png", "ready.png");
    private static final int MAX_SERIES = 16;
    private static final int WIDTH = 960;
    private static final int HEIGHT = 420;

    private Report() {
    }

    static void write(Experiment.Result r, Map<String, Object> summary, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        save(dir.resolve("load.png"), loadChart(r));
        save(dir.resolve("imbalance.png"), imbalanceChart(r));
        save(dir.resolve("vms.png"), vmChart(r, (double) summary.get("disturbanceAtSeconds")));
        save(dir.resolve("ready.png"), readyChart(r));
        Files.writeString(dir.resolve("report.html"), html(r, summary));
    }

    // ---- charts

    /** White background, light grid, lines two pixels wide: readable on a page and in print. */
    private static void save(Path file, JFreeChart chart) throws IOException {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(Color.WHITE);
        if (chart.getPlot() instanceof XYPlot xy) {
            xy.setDomainGridlinePaint(new Color(220, 220, 220));
            xy.setRangeGridlinePaint(new Color(220, 220, 220));
            for (int i = 0; i < xy.getDataset().getSeriesCount(); i++) {
                if (xy.getRenderer().getSeriesStroke(i) == null) {
                    xy.getRenderer().setSeriesStroke(i, new BasicStroke(2f));
                }
            }
        } else {
            chart.getCategoryPlot().setRangeGridlinePaint(new Color(220, 220, 220));
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    private static JFreeChart loadChart(Experiment.Result r) {
        Map<String, XYSeries> series = new TreeMap<>();
        for (Simulation.Sample s : r.samples()) {
            s.loads().forEach((host, load) -> series.computeIfAbsent(host, XYSeries::new).add(s.t(), load));
        }
        List<XYSeries> shown = busiest(series, MAX_SERIES);
        XYSeriesCollection data = new XYSeriesCollection();
        shown.forEach(data::addSeries);
        String title = "Load per host (entitlement / capacity, as DRS sees it)"
                + (shown.size() < series.size() ? ": the " + shown.size() + " busiest of " + series.size() + " hosts" : "");
        JFreeChart chart = ChartFactory.createXYLineChart(title, "seconds", "load", data, PlotOrientation.VERTICAL,
                true, false, false);
        mark(chart.getXYPlot(), r);
        return chart;
    }

    private static JFreeChart imbalanceChart(Experiment.Result r) {
        XYSeries imbalance = new XYSeries("imbalance (standard deviation of host loads)");
        XYSeries target = new XYSeries("target (what the threshold tolerates)");
        for (Simulation.Sample s : r.samples()) {
            imbalance.add(s.t(), s.imbalance());
            if (Double.isFinite(s.target())) {
                target.add(s.t(), s.target());
            }
        }
        XYSeriesCollection data = new XYSeriesCollection(imbalance);
        if (target.getItemCount() > 0) {
            data.addSeries(target);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Imbalance over time", "seconds", "imbalance", data,
                PlotOrientation.VERTICAL, true, false, false);
        chart.getXYPlot().getRenderer().setSeriesStroke(1, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        mark(chart.getXYPlot(), r);
        return chart;
    }

    /** Mean demanded and delivered MIPS per VM from the disturbance on. */
    private static JFreeChart vmChart(Experiment.Result r, double from) {
        Map<String, double[]> sums = new TreeMap<>(); // demand, delivered, count
        for (Simulation.Sample s : r.samples()) {
            if (s.t() < from - 1e-9) {
                continue;
            }
            for (Simulation.VmSample v : s.vms()) {
                double[] x = sums.computeIfAbsent(v.vm(), k -> new double[3]);
                x[0] += v.demandMips();
                x[1] += v.deliveredMips();
                x[2]++;
            }
        }
        List<Map.Entry<String, double[]>> vms = new ArrayList<>(sums.entrySet());
        vms.sort(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -(e.getValue()[0] - e.getValue()[1])
                / Math.max(1, e.getValue()[2])).thenComparing(Map.Entry::getKey));
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Map.Entry<String, double[]> e : vms.subList(0, Math.min(vms.size(), 2 * MAX_SERIES))) {
            double n = Math.max(1, e.getValue()[2]);
            data.addValue(e.getValue()[0] / n, "demanded", e.getKey());
            data.addValue(e.getValue()[1] / n, "delivered", e.getKey());
        }
        String title = "Demanded and delivered MIPS per VM (mean from " + (long) from + " s)"
                + (vms.size() > 2 * MAX_SERIES ? ": the " + 2 * MAX_SERIES + " shortest of " + vms.size() + " VMs" : "");
        JFreeChart chart = ChartFactory.createBarChart(title, "VM", "MIPS", data, PlotOrientation.VERTICAL, true, false,
                false);
        chart.getCategoryPlot().getDomainAxis().setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
        return chart;
    }

    private static JFreeChart readyChart(Experiment.Result r) {
        Map<String, XYSeries> series = new TreeMap<>();
        for (Simulation.Sample s : r.samples()) {
            for (Simulation.VmSample v : s.vms()) {
                series.computeIfAbsent(v.vm(), XYSeries::new).add(s.t(), v.readyPct());
            }
        }
        List<XYSeries> shown = busiest(series, MAX_SERIES);
        XYSeriesCollection data = new XYSeriesCollection();
        shown.forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart("Ready time per VM (% of the time it wanted to run but waited)"
                        + (shown.size() < series.size() ? ": the " + shown.size() + " most held back of " + series.size() : ""),
                "seconds", "ready %", data, PlotOrientation.VERTICAL, true, false, false);
        mark(chart.getXYPlot(), r);
        return chart;
    }

    /** The series with the highest values, at most {@code n}, in name order. */
    private static List<XYSeries> busiest(Map<String, XYSeries> all, int n) {
        List<XYSeries> list = new ArrayList<>(all.values());
        if (list.size() <= n) {
            return list;
        }
        list.sort(Comparator.comparingDouble((XYSeries s) -> -s.getMaxY()).thenComparing(s -> (String) s.getKey()));
        List<XYSeries> top = new ArrayList<>(list.subList(0, n));
        top.sort(Comparator.comparing(s -> (String) s.getKey()));
        return top;
    }

    /** Migrations (grey, at the moment they complete), failures (red) and other timeline steps (orange). */
    private static void mark(XYPlot plot, Experiment.Result r) {
        for (Simulation.Migration m : r.migrations()) {
            ValueMarker marker = new ValueMarker(m.end(), m.done() ? new Color(120, 120, 120) : new Color(200, 0, 200),
                    new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {3, 3}, 0));
            if (r.migrations().size() <= 20) {
                marker.setLabel(m.vm());
                marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
                marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
                marker.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
            }
            plot.addDomainMarker(marker);
        }
        for (Simulation.Event e : r.events()) {
            if (!e.kind().equals("timeline")) {
                continue;
            }
            boolean failure = e.subject().equals("FailHost");
            ValueMarker marker = new ValueMarker(e.t(), failure ? Color.RED : new Color(230, 140, 0), new BasicStroke(2f));
            marker.setLabel(e.detail());
            marker.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 10));
            marker.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
            marker.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            plot.addDomainMarker(marker);
        }
    }

    // ---- the page

    private static String html(Experiment.Result r, Map<String, Object> summary) {
        Scenario s = r.scenario();
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Vivarium experiment ")
                .append(esc(s.name())).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:90%}")
                .append(".mode{padding:6px 10px;background:#eef;display:inline-block}img{max-width:100%}\n")
                .append("</style>\n</head>\n<body>\n");
        b.append("<h1>Experiment: ").append(esc(s.name())).append("</h1>\n");
        b.append("<p>").append(esc(s.description())).append("</p>\n");
        b.append("<p class=\"mode\" id=\"mode\">").append(r.mode().equals("simulated")
                ? "Simulated: DRS's core on modelled VMs (no emulators); a VM at 100% duty demands "
                        + fmt(s.vmSpeedMips()) + " MIPS, migrations take the cost model's time and downtime."
                : "Lab: real hosts (node processes) running emulated VMs under their CPU budgets; migrations by the lab's"
                        + " mechanism, their downtime as measured.").append("</p>\n");
        b.append("<p>").append(s.hosts().size()).append(" hosts, ").append(s.vms().size()).append(" VMs; DRS ")
                .append(esc(s.drs().automation())).append(", threshold ").append(s.drs().threshold()).append(", a round every ")
                .append(fmt(s.drs().periodSeconds())).append(" s, at most ").append(s.drs().maxMoves())
                .append(" moves a round; ").append(fmt(s.durationSeconds())).append(" s sampled every ")
                .append(fmt(s.sampleSeconds())).append(" s.</p>\n");
        b.append("<h2>Summary</h2>\n<table id=\"summary\">\n");
        summary.forEach((k, v) -> b.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(value(v)))
                .append("</td></tr>\n"));
        b.append("</table>\n");
        Map<String, String> captions = new LinkedHashMap<>();
        captions.put("load.png", "Load per host. Dashed grey lines: migrations (when they completed); red: host failures;"
                + " orange: other timeline steps.");
        captions.put("imbalance.png", "The cluster's imbalance (VMware's standard deviation of host loads) against the"
                + " threshold's target.");
        captions.put("vms.png", "What each VM demanded and what it got, averaged from the disturbance on.");
        captions.put("ready.png", "Ready time: the share of the time a VM wanted the CPU and its host's budget held it back.");
        b.append("<h2>Charts</h2>\n");
        for (String chart : CHARTS) {
            b.append("<figure><img src=\"").append(chart).append("\" alt=\"").append(esc(captions.get(chart)))
                    .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\"><figcaption>")
                    .append(esc(captions.get(chart))).append("</figcaption></figure>\n");
        }
        b.append("<h2>Migrations</h2>\n<table id=\"migrations\">\n<tr><th>start s</th><th>end s</th><th>VM</th><th>from</th>")
                .append("<th>to</th><th>reason</th><th>done</th><th>downtime ms</th><th>why</th></tr>\n");
        for (Simulation.Migration m : r.migrations()) {
            b.append("<tr><td>").append(fmt(m.start())).append("</td><td>").append(fmt(m.end())).append("</td><td>")
                    .append(esc(m.vm())).append("</td><td>").append(esc(m.from())).append("</td><td>").append(esc(m.to()))
                    .append("</td><td>").append(esc(m.reason())).append("</td><td>").append(m.done()).append("</td><td>")
                    .append(Double.isFinite(m.downtimeMs()) ? fmt(m.downtimeMs()) : "").append("</td><td>")
                    .append(esc(m.why())).append("</td></tr>\n");
        }
        b.append("</table>\n<h2>Events</h2>\n<table id=\"events\">\n<tr><th>t s</th><th>kind</th><th>what</th></tr>\n");
        for (Simulation.Event e : r.events()) {
            b.append("<tr><td>").append(fmt(e.t())).append("</td><td>").append(esc(e.kind())).append("</td><td>")
                    .append(esc(e.detail())).append("</td></tr>\n");
        }
        b.append("</table>\n<p>Data: <a href=\"summary.json\">summary.json</a>, <a href=\"hosts.csv\">hosts.csv</a>, ")
                .append("<a href=\"imbalance.csv\">imbalance.csv</a>, <a href=\"vms.csv\">vms.csv</a>, ")
                .append("<a href=\"migrations.csv\">migrations.csv</a>, <a href=\"events.csv\">events.csv</a>.</p>\n")
                .append("</body>\n</html>\n");
        return b.toString();
    }

    private static String value(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, "%.4g", d);
        }
        return String.valueOf(v);
    }

    private static String fmt(double x) {
        return x == Math.rint(x) ? String.valueOf((long) x) : String.format(Locale.ROOT, "%.1f", x);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
