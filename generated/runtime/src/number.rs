//! [`Number`], the type of a `type: number` schema.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Any JSON number, whole or not: the type of a schema that says `type: number` (one that also
/// says `format: float` or `double` is an `f64`).
///
/// A number read from the wire is written back as it was read: `3` stays `3`, `3.0` stays
/// `3.0`. A number built here is written as an integer when it is a whole number within
/// ±(2^53 − 1), so `Number::from_f64(3.0)` goes out as `3`: `number` fields such as a call
/// candidate's `sdpMLineIndex` or presence's `last_active_ago` hold whole numbers, and
/// Matrix's canonical JSON, which servers require of signed events, has no fractions.
///
/// Equality is the wire's: `3` and `3.0` differ; compare [`Number::as_f64`] for value.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Number(serde_json::Number);

/// The largest integer canonical JSON allows, 2^53 − 1: every integer up to it is an exact `f64`.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

impl Number {
    /// The number of `value`: an integer if it is a whole number within ±(2^53 − 1); `None`
    /// for NaN and the infinities, which JSON cannot write.
    pub fn from_f64(value: f64) -> Option<Self> {
        if value.fract() == 0.0 && value.abs() <= MAX_SAFE_INTEGER {
            // Exact: the check above keeps the value whole and within i64.
            return Some(Self::from(value as i64));
        }
        serde_json::Number::from_f64(value).map(Self)
    }

    /// The value as an `f64` (integers beyond 2^53 lose precision).
    pub fn as_f64(&self) -> f64 {
        // Every `serde_json::Number` without `arbitrary_precision` has an `f64` value.
        self.0.as_f64().unwrap_or(f64::NAN)
    }

    /// The value as an `i64`, if it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        self.0.as_i64()
    }

    /// The value as a `u64`, if it is a non-negative integer that fits.
    pub fn as_u64(&self) -> Option<u64> {
        self.0.as_u64()
    }

    /// Whether it is written as an integer (`3`, not `3.0`).
    pub fn is_integer(&self) -> bool {
        !self.0.is_f64()
    }

    /// The number as `serde_json` holds it.
    pub fn as_json(&self) -> &serde_json::Number {
        &self.0
    }
}

impl Default for Number {
    /// `0`.
    fn default() -> Self {
        Self::from(0_u8)
    }
}

macro_rules! number_from_integer {
    ($($int:ty),*) => {$(
        impl From<$int> for Number {
            fn from(value: $int) -> Self {
                Self(serde_json::Number::from(value))
            }
        }
    )*};
}
number_from_integer!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl From<serde_json::Number> for Number {
    /// As it is: an integer stays one, a fraction (`3.0` included) stays one.
    fn from(value: serde_json::Number) -> Self {
        Self(value)
    }
}

impl From<Number> for serde_json::Number {
    fn from(value: Number) -> Self {
        value.0
    }
}

impl From<Number> for serde_json::Value {
    fn from(value: Number) -> Self {
        serde_json::Value::Number(value.0)
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Display for Number {
    /// As JSON writes it: `3`, `3.0`, `0.25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// Why a text is not a [`Number`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseNumberError(String);

impl fmt::Display for ParseNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a finite number", self.0)
    }
}

impl std::error::Error for ParseNumberError {}

impl FromStr for Number {
    type Err = ParseNumberError;

    /// An integer text (`3`, `-2`) is an integer; any other finite number (`3.0`, `2.5e3`) a
    /// fraction, as JSON reads them.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let refused = || ParseNumberError(text.to_owned());
        if let Ok(integer) = text.parse::<i64>() {
            return Ok(Self::from(integer));
        }
        if let Ok(integer) = text.parse::<u64>() {
            return Ok(Self::from(integer));
        }
        let value = text.parse::<f64>().map_err(|_| refused())?;
        serde_json::Number::from_f64(value)
            .map(Self)
            .ok_or_else(refused)
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Number::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(number: &Number) -> String {
        serde_json::to_string(number).expect("serializes")
    }

    fn read(json: &str) -> Number {
        serde_json::from_str(json).expect("a number")
    }

    #[test]
    fn read_numbers_are_written_back_as_read() {
        for json in [
            "0",
            "3",
            "-2",
            "3.0",
            "0.25",
            "18446744073709551615",
            "1e300",
        ] {
            let number = read(json);
            let expected = serde_json::to_string(
                &serde_json::from_str::<serde_json::Value>(json).expect("JSON"),
            )
            .expect("serializes");
            assert_eq!(wire(&number), expected, "{json}");
        }
        assert!(read("3").is_integer());
        assert!(!read("3.0").is_integer());
        assert_ne!(read("3"), read("3.0"), "equality is the wire's");
        assert_eq!(read("3").as_f64(), read("3.0").as_f64());
    }

    #[test]
    fn whole_numbers_built_from_f64_are_integers() {
        let whole = Number::from_f64(3.0).expect("finite");
        assert_eq!(wire(&whole), "3");
        assert_eq!(whole.as_i64(), Some(3));
        assert_eq!(wire(&Number::from_f64(-0.0).expect("finite")), "0");
        assert_eq!(wire(&Number::from_f64(0.25).expect("finite")), "0.25");
        assert_eq!(
            wire(&Number::from_f64(MAX_SAFE_INTEGER).expect("finite")),
            "9007199254740991"
        );
        // Beyond 2^53 − 1 a whole f64 may not be the integer it prints: it stays a float.
        assert!(
            !Number::from_f64(MAX_SAFE_INTEGER + 1.0)
                .expect("finite")
                .is_integer()
        );
        assert_eq!(Number::from_f64(f64::NAN), None);
        assert_eq!(Number::from_f64(f64::INFINITY), None);
        assert_eq!(wire(&Number::from(7_u32)), "7");
        assert_eq!(wire(&Number::default()), "0");
    }

    #[test]
    fn texts_parse_as_json_reads_them() {
        assert_eq!("3".parse::<Number>(), Ok(Number::from(3)));
        assert!(!"3.0".parse::<Number>().expect("a number").is_integer());
        assert_eq!(
            "18446744073709551615".parse::<Number>(),
            Ok(Number::from(u64::MAX))
        );
        assert_eq!("2.5e3".parse::<Number>().map(|n| n.as_f64()), Ok(2500.0));
        assert!("NaN".parse::<Number>().is_err());
        assert!("inf".parse::<Number>().is_err());
        assert!("three".parse::<Number>().is_err());
        assert_eq!(format!("{:?}", Number::from(3)), "3");
    }
}
