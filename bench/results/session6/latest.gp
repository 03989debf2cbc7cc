set terminal pngcairo size 1400,1500 font "sans,10"
set output "/work/main/bench/results/session6/latest.png"
set datafile missing "NaN"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key inside top right opaque box samplen 2
set offsets 0,0,graph 0.25,0
set xtics rotate by -25
set yrange [0:*]
set multiplot layout 3,2 title "Hyperion bench - kernel 6.18.44-fc-v1147 - 2026-12-04T05:42:04Z - 3 round(s) x 3 s, medians\nbench/run --configs veth,hyperion,hyperion-pktcost,apply-1000 --rounds 3 --duration 3 --out /work/main/bench/results/session6"
set title "TCP throughput (iperf3), Gbit/s - higher is better"
plot "/work/main/bench/results/session6/latest-plot.dat" using 2:xtic(1) title "1 stream A->B", "" using 3 title "1 stream B->A", "" using 4 title "4 streams A->B", "" using 5 title "4 streams B->A"
set title "p50 round-trip latency, us - lower is better"
plot "/work/main/bench/results/session6/latest-plot.dat" using 6:xtic(1) title "TCP RR (sockperf)", "" using 7 title "UDP RR (sockperf)", "" using 8 title "HTTP (wrk)"
set title "HTTP requests/s (nginx + wrk, 2 connections) - higher is better"
plot "/work/main/bench/results/session6/latest-plot.dat" using 9:xtic(1) title "req/s"
set title "CPU-seconds per GB moved (log scale) - lower is better"
set logscale y
set yrange [0.1:*]
set offsets 0,0,0,0
plot "/work/main/bench/results/session6/latest-plot.dat" using 10:xtic(1) title "1 stream", "" using 11 title "4 streams"
unset logscale y
set yrange [0:*]
set offsets 0,0,graph 0.25,0
set title "Policy scaling: TCP 1 stream Gbit/s by rule count (log) - flat is the goal"
set logscale y
set yrange [0.01:*]
set label 1 "not run" at graph 0.5,0.5 center
plot [0:1][0.1:1] NaN notitle
unset label 1
unset logscale y
set yrange [0:*]
set title "Payload inspection: TCP Gbit/s (A->B, inspected direction)"
set label 1 "not run" at graph 0.5,0.5 center
plot [0:1][0.1:1] NaN notitle
unset label 1
unset multiplot
