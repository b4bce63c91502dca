//! The JS-facing handles. Filled in with the page shell.
