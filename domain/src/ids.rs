//! Typed identifiers. Each is a dense index into its service's table, so a
//! lookup is an array access; the `Display` forms are what reports and the
//! API show.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// The index into its table.
            #[must_use]
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

id!(
    /// An order, numbered in the order it was received.
    OrderId, "O"
);
id!(
    /// A stock-keeping unit of the assortment.
    SkuId, "SKU"
);
id!(
    /// A storage location (bin) of the location master.
    LocationId, "L"
);
id!(
    /// A wave of orders released together.
    WaveId, "W"
);
id!(
    /// A unit of work in the unified task model.
    TaskId, "T"
);
id!(
    /// An associate (a person with a handheld).
    AssociateId, "A"
);
id!(
    /// A tote or carton tracked as a license plate.
    ToteId, "LP"
);
id!(
    /// A pack station.
    StationId, "PS"
);
id!(
    /// An outbound carrier.
    CarrierId, "C"
);
id!(
    /// A conveyor segment.
    SegmentId, "CV"
);
