//! `schema!`: a database's tables listed once, in dependency order, giving its
//! [`SchemaDef`](crate::SchemaDef) and the per-table types that make seed sets
//! cover the schema by construction.

/// Lists the tables of one database, parents before children (`field =>
/// Type`, the field named as the table; `field = "SQL name" => Type` for a
/// table whose name is not an identifier, such as `"User"` or `"line items"`),
/// and generates:
///
/// * the `static` [`SchemaDef`](crate::SchemaDef);
/// * `Volumes`, one `u64` field per table, named as the table: a seed set
///   says how many rows each table gets in a `Volumes { .. }` literal, so a
///   table added to the schema is a compile error in every seed set
///   (`missing field `new_table` in initializer of `Volumes``) until the set
///   says how many rows it wants (0 is an answer);
/// * `InSchema`, implemented by every listed table: `volumes.of::<Client>()`;
/// * `for_each_table`, calling a `Visit` visitor once per table, in order,
///   with the table as a type (to fill the tables a set has no code for).
///
/// ```
/// # mod tables {
/// # use schema_core::Table;
/// # #[derive(Debug, Clone, PartialEq, Table)]
/// # #[table(name = "rooms", db = tenant)]
/// # pub struct Room { #[column(primary_key, serial)] pub id: i32 }
/// # }
/// # use tables::Room;
/// schema_core::schema! {
///     /// Every table of the tenant database.
///     pub static SCHEMA: Tenant;
///     rooms => Room,
/// }
/// const SMALL: Volumes = Volumes { rooms: 3 };
/// assert_eq!(SMALL.of::<Room>(), 3);
/// assert_eq!(SCHEMA.tables[0].name, "rooms");
/// ```
#[macro_export]
macro_rules! schema {
    (
        $(#[$meta:meta])*
        $vis:vis static $schema:ident: $db:ident;
        $($field:ident $(= $sql:literal)? => $table:ty),+ $(,)?
    ) => {
        $(#[$meta])*
        $vis static $schema: $crate::SchemaDef = $crate::SchemaDef::new(
            <$crate::$db as $crate::Database>::KIND,
            &[$(<$table as $crate::Table>::DEF),+],
        );

        $(
            const _: () = ::core::assert!(
                $crate::__private::str_eq($crate::__schema_sql_name!($field $($sql)?), <$table as $crate::Table>::NAME),
                ::core::concat!("`", ::core::stringify!($field), " => ", ::core::stringify!($table),
                    "`: the name before `=>` must be the table's SQL name (for a name that is not an identifier: `field = \"SQL name\" => Type`)"),
            );
        )+

        /// Rows per table of this schema: one field per table, named as the
        /// table. A seed set that leaves a table out does not compile.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis struct Volumes {
            $(pub $field: u64,)+
        }

        impl Volumes {
            /// How many tables the schema has.
            pub const TABLES: usize = [$(::core::stringify!($field)),+].len();

            /// The volume of table `T`.
            pub fn of<T: InSchema>(&self) -> u64 {
                T::volume(self)
            }

            /// The volume of the table named `table`, if it is one of the schema's.
            pub fn by_name(&self, table: &str) -> ::core::option::Option<u64> {
                $(if table == $crate::__schema_sql_name!($field $($sql)?) {
                    return ::core::option::Option::Some(self.$field);
                })+
                ::core::option::Option::None
            }

            /// Every table's volume, in schema order.
            pub fn iter(&self) -> impl ::core::iter::Iterator<Item = (&'static str, u64)> {
                [$(($crate::__schema_sql_name!($field $($sql)?), self.$field)),+].into_iter()
            }

            /// Every volume multiplied by `scale`.
            pub fn scaled(&self, scale: u64) -> Volumes {
                Volumes { $($field: self.$field * scale,)+ }
            }
        }

        /// A table of this schema.
        $vis trait InSchema: $crate::__private::SchemaTable {
            fn volume(volumes: &Volumes) -> u64;
        }

        $(
            impl InSchema for $table {
                fn volume(volumes: &Volumes) -> u64 {
                    volumes.$field
                }
            }
        )+

        /// What [`for_each_table`] calls once per table, with the table as a type.
        $vis trait Visit {
            fn table<T: InSchema + ::core::marker::Send + ::core::marker::Sync>(&mut self);
        }

        /// Calls `visit.table::<T>()` for every table, parents first.
        $vis fn for_each_table(visit: &mut impl Visit) {
            $(visit.table::<$table>();)+
        }
    };
}

/// The SQL name of a `schema!` entry: the written name, else the field's.
#[doc(hidden)]
#[macro_export]
macro_rules! __schema_sql_name {
    ($field:ident) => {
        $crate::__private::unraw(::core::stringify!($field))
    };
    ($field:ident $sql:literal) => {
        $sql
    };
}
