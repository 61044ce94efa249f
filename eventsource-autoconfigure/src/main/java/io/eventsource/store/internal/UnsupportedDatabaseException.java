package io.eventsource.store.internal;

/**
 * Thrown at startup when the application's {@code DataSource} is a database eventsource
 * has no SQL for.
 */
public class UnsupportedDatabaseException extends IllegalStateException {

	private final String productName;

	private final String supported;

	UnsupportedDatabaseException(String productName, String supported) {
		super("eventsource does not support the database '" + productName + "'; supported: " + supported);
		this.productName = productName;
		this.supported = supported;
	}

	/**
	 * Returns the product name the JDBC driver reported.
	 * @return the product name
	 */
	public String getProductName() {
		return this.productName;
	}

	/**
	 * Returns the supported databases, comma separated.
	 * @return the supported databases
	 */
	public String getSupported() {
		return this.supported;
	}

}
