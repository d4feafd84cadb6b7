// dt-sql-parser's ES module build imports directories and extensionless files, which Node's ESM
// resolver refuses; these hooks resolve them as a bundler would (dir/index.js, file.js).
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (e.code === 'ERR_UNSUPPORTED_DIR_IMPORT') return next(`${specifier}/index.js`, context);
    if (e.code === 'ERR_MODULE_NOT_FOUND' && specifier.startsWith('.')) {
      return next(`${specifier}.js`, context);
    }
    throw e;
  }
}
