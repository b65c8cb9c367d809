//! Google Cloud (stub: being written)
use crate::model::{Incident, Reading};
use crate::platform::ReadError;

pub fn endpoints(base: &str) -> Vec<String> { vec![format!("{base}/incidents.json")] }
pub fn read(_body: &[u8], _product: Option<&str>) -> Result<Reading, ReadError> { Err(ReadError::Shape("unwritten".into())) }
