// Imported first by colour.test.tsx: chalk decides its colour level when it is loaded, and a test
// process has no TTY, so without this every frame would be plain whatever the theme says.
process.env['FORCE_COLOR'] = '1';
delete process.env['NO_COLOR'];
