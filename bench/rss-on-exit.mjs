// Preloaded into benchmark children: report peak resident memory when the process ends.
process.on('exit', () => {
	process.stderr.write(`\nBENCH maxrss_kb=${process.resourceUsage().maxRSS}\n`);
});
