//! HTTP probe (stub: being written)
use crate::model::Reading;
use crate::platform::Fetch;
pub fn read_probe(_f: &[Fetch<'_>]) -> Reading { Reading::default() }
