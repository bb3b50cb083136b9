package sparkals

import (
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// The names of the layout.
const (
	// ModelClass is the class a saved ALSModel's metadata names.
	ModelClass = "org.apache.spark.ml.recommendation.ALSModel"
	// SparkVersion is the Spark version Write writes in the metadata: the
	// layout is that of Spark 3.x.
	SparkVersion = "3.5.1"

	metadataDir = "metadata"
	usersDir    = "userFactors"
	itemsDir    = "itemFactors"
	idsDir      = "recnet-ids"
	usersMap    = "users.csv"
	itemsMap    = "items.csv"
	successFile = "_SUCCESS"
	partFile    = "part-00000"
)

// MaxRank bounds the rank Read accepts: a vector of more values than
// this is refused before its table grows.
const MaxRank = 1024

// MaxRows bounds the rows of one factor table Read accepts (ids are
// 32-bit).
const MaxRows = 1<<31 - 1

// rowMetadataKey is the key of the Parquet key-value metadata where Spark
// keeps the DataFrame schema, and rowMetadata that schema for (id,
// features) as ALS.fit makes it: id an integer that is not null,
// features an array of floats without nulls.
const (
	rowMetadataKey = "org.apache.spark.sql.parquet.row.metadata"
	versionKey     = "org.apache.spark.version"
	rowMetadata    = `{"type":"struct","fields":[{"name":"id","type":"integer","nullable":false,"metadata":{}},{"name":"features","type":{"type":"array","elementType":"float","containsNull":false},"nullable":true,"metadata":{}}]}`
)

// factorRow is one row of userFactors or itemFactors.
type factorRow struct {
	ID       int32     `parquet:"id"`
	Features []float32 `parquet:"features,optional,list"`
}

// int32Plain is INT32 without a logical type, as Spark writes an
// IntegerType column (parquet-go's Int32Type carries INT(32,true)).
type int32Plain struct{ parquet.Type }

func (int32Plain) LogicalType() *format.LogicalType { return nil }

type idField struct{ parquet.Field }

func (idField) Type() parquet.Type { return int32Plain{parquet.Int32Type} }

// sparkRoot is factorRow's schema with id as Spark types it; the fields
// keep their order (id, features), which a parquet.Group would sort.
type sparkRoot struct{ parquet.Node }

func (r sparkRoot) Fields() []parquet.Field {
	f := r.Node.Fields()
	return []parquet.Field{idField{f[0]}, f[1]}
}

// factorSchema is the Parquet schema of a factor table as Spark writes it.
var factorSchema = parquet.NewSchema("spark_schema", sparkRoot{parquet.SchemaOf(factorRow{})})

// metadata is the JSON line of metadata/part-00000, its fields in the
// order Spark's DefaultParamsWriter writes them, rank last.
type metadata struct {
	Class           string `json:"class"`
	Timestamp       int64  `json:"timestamp"`
	SparkVersion    string `json:"sparkVersion"`
	UID             string `json:"uid"`
	ParamMap        params `json:"paramMap"`
	DefaultParamMap params `json:"defaultParamMap"`
	Rank            int    `json:"rank"`
}

// params are an ALSModel's params (ALSModelParams: those ALS.fit copies
// to the model; rank, regParam, alpha and implicitPrefs are the
// estimator's and are not saved with the model).
type params struct {
	BlockSize         int    `json:"blockSize"`
	ColdStartStrategy string `json:"coldStartStrategy"`
	ItemCol           string `json:"itemCol"`
	PredictionCol     string `json:"predictionCol"`
	UserCol           string `json:"userCol"`
}

// defaultParams are ALSModel's defaults in Spark 3.x.
var defaultParams = params{BlockSize: 4096, ColdStartStrategy: "nan", ItemCol: "item", PredictionCol: "prediction", UserCol: "user"}
