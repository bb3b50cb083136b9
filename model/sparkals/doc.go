// Package sparkals writes a recnet model as a saved Spark MLlib ALSModel
// and reads one back, so that a team whose table outgrows one machine
// can train ALS on Spark and still use recnet's fold-in, explanations,
// page and server, and a recnet model can be scored by Spark.
//
// The layout is what Spark 3.x's ALSModel.write().save(D) makes:
//
//	D/metadata/part-00000     one JSON line: class, timestamp, sparkVersion,
//	                          uid, paramMap, defaultParamMap and rank (Spark
//	                          keeps rank beside the params, not among them)
//	D/metadata/_SUCCESS
//	D/userFactors/part-00000-….snappy.parquet, D/userFactors/_SUCCESS
//	D/itemFactors/part-00000-….snappy.parquet, D/itemFactors/_SUCCESS
//
// with the factor files in Spark's schema for a DataFrame of (Int,
// Array[Float]):
//
//	message spark_schema {
//	  required int32 id;
//	  optional group features (LIST) {
//	    repeated group list {
//	      required float element;
//	    }
//	  }
//	}
//
// and Spark's row metadata (org.apache.spark.sql.parquet.row.metadata).
// Spark's prediction for (u, i) is the dot product of the two feature
// vectors.
//
// Spark's ids are 32-bit integers. Write uses a side's raw ids directly
// when every one is a canonical decimal integer within int32; otherwise
// it numbers them 0, 1, ... in recnet's inner order and writes the map
// beside the layout, D/recnet-ids/users.csv or items.csv (header
// "id,user" or "id,item", then one row per id: Spark's id, the raw id).
// Spark ignores that directory; Read uses it when present.
//
// Write exports the kinds whose score is a dot product plus biases with
// no nonlinearity: dot with a linear output, mf and ials. Its vectors
// give Spark's prediction on recnet's original rating scale: with the
// rating range Min..Max of a model trained on min-max scaled ratings,
// s = Max-Min and c = Min (s = 1, c = 0 otherwise), the user vector is
// [s·p, s·(b_u+μ), c, 1] and the item vector [q, 1, 1, s·b_i], so that
// their dot product is c + s·(<p,q> + b_u + b_i + μ), the model's rating.
// Each added column (user_bias, offset, item_bias) is left out when it
// would be zero for every row, so a model without biases and scaling is
// written as it is. recnet-ids/model.json says how the vectors were made
// (kind, settings, range, columns, s and c).
//
// Read makes a model of a kind without biases whose score is the dot
// product of the vectors: dot with a linear output, zero biases and no
// scaling for ALS trained on ratings (implicitPrefs false), and ials for
// ALS trained on implicit feedback (Spark's saved model does not say
// which; the caller does). A dot model Write wrote comes back as it was,
// biases, settings and range, to the bit, when model.json says how and
// the vectors give its values back exactly (s a power of two: no
// scaling, or a range of 1..5, 3..5, 0..1). Input is untrusted: the rank is bounded
// (MaxRank), every vector must have rank finite values, ids must be
// unique, and errors name the file, the row and the field. Memory grows
// with the rows actually read: before parquet-go reads a factor file,
// Read walks every page header and refuses a page whose sizes run past
// the bytes its column chunk holds, whose uncompressed size exceeds its
// chunk's (itself bounded by the chunk's bytes and rows), whose snappy
// data states a longer output, or that declares more than MaxPageValues
// values, so that no length a file declares sizes more than that.
package sparkals
