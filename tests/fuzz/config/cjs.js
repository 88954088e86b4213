const config = { migrations: { path: `lit/m` } } /* comment } */
// migrations: { path: 'commented' }
const re = /"migrations'/g
module.exports = config
